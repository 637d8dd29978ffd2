"""GET /internal/model, as Rasa's model pulling asks it (rasa/core/agent.py): the token as
`?token=`, the ETag of the running model in If-None-Match."""

import pytest
import requests

from bot.models.registry import Registry
from tests.utils.published import model_file

TOKEN = "model-token-for-tests"


@pytest.fixture
def web_settings(web_settings, tmp_path):
    return web_settings.copy(
        update={"published_models_dir": tmp_path / "published", "model_server_token": TOKEN}
    )


@pytest.fixture
def models(service, web_settings):
    return Registry(service["sessions"], web_settings.published_models_dir)


def pull(service, token=TOKEN, etag=None, method="GET"):
    headers = {"If-None-Match": etag} if etag else {}
    params = {"token": token} if token is not None else {}
    return requests.request(
        method, f"{service['url']}/internal/model", params=params, headers=headers, timeout=10
    )


def test_the_token_is_required_and_checked(service, models, tmp_path):
    models.publish(model_file(tmp_path / "one.tar.gz"), "ada")
    assert pull(service, token=None).status_code == 401
    assert pull(service, token="").status_code == 401
    assert pull(service, token="wrong").status_code == 403
    assert pull(service, token=TOKEN[:-1]).status_code == 403
    assert pull(service, token=TOKEN + "ü").status_code == 403


def test_no_live_model_is_a_clear_404(service, models):
    answer = pull(service)
    assert answer.status_code == 404
    assert answer.json()["detail"] == (
        "No model is live: publish one (python -m bot content publish PATH)."
    )


def test_the_live_model_comes_with_its_sha256_as_etag_and_304_when_unchanged(
    service, models, tmp_path
):
    first = models.publish(model_file(tmp_path / "one.tar.gz", "1"), "ada")
    answer = pull(service)
    assert answer.status_code == 200
    assert answer.headers["ETag"] == f'"{first.sha256}"'
    assert answer.content == (tmp_path / "one.tar.gz").read_bytes()
    # Rasa sends back the ETag exactly as it got it.
    unchanged = pull(service, etag=answer.headers["ETag"])
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert unchanged.headers["ETag"] == answer.headers["ETag"]
    assert pull(service, etag=first.sha256).status_code == 304
    # A new publication is a new ETag; a rollback brings the old one back.
    second = models.publish(model_file(tmp_path / "two.tar.gz", "2"), "ada")
    changed = pull(service, etag=answer.headers["ETag"])
    assert changed.status_code == 200 and changed.headers["ETag"] == f'"{second.sha256}"'
    models.rollback("ada")
    assert pull(service, etag=changed.headers["ETag"]).headers["ETag"] == f'"{first.sha256}"'


def test_head_answers_without_the_body(service, models, tmp_path):
    """What a starting Rasa server asks first (bot/chat/model_server.py)."""
    assert pull(service, method="HEAD").status_code == 404
    models.publish(model_file(tmp_path / "one.tar.gz"), "ada")
    answer = pull(service, method="HEAD")
    assert answer.status_code == 200 and answer.content == b""


def test_a_file_changed_on_disk_is_not_served(service, models, tmp_path):
    live = models.publish(model_file(tmp_path / "one.tar.gz", "1"), "ada")
    models.path_of(live.sha256).write_bytes(model_file(tmp_path / "evil.tar.gz", "x").read_bytes())
    answer = pull(service)
    assert answer.status_code == 500 and answer.content != (tmp_path / "evil.tar.gz").read_bytes()
    models.path_of(live.sha256).unlink()
    answer = pull(service)
    assert answer.status_code == 404
    assert f"publication #{live.id}) is missing" in answer.json()["detail"]
