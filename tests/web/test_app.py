"""How the app is served: proxy headers believed only from the proxies it is told to trust."""

import pytest
import requests
from sqlalchemy import select

from bot.db.models import LoginFailure
from bot.models.registry import Registry
from bot.web.app import proxy_options, publish_trained_model
from tests.utils.published import model_file
from tests.utils.staff_web import PASSWORD, csrf

FORGED = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https"}


def failed_sign_in_from(service) -> str:
    """The client address the sign-in backoff counted a failure under."""
    answer = requests.post(
        f"{service['url']}/api/session",
        json={"username": "sam", "password": "guess guess guess"},
        headers=FORGED,
    )
    assert answer.status_code == 401
    with service["sessions"]() as session:
        return session.execute(select(LoginFailure.client)).scalar_one()


def test_by_default_no_proxy_is_trusted(web_settings):
    assert proxy_options(web_settings) == {"proxy_headers": False, "forwarded_allow_ips": ""}


def test_a_forged_forwarded_for_does_not_change_the_client_by_default(service):
    assert failed_sign_in_from(service) == "127.0.0.1"
    browser = requests.Session()
    answer = browser.post(
        f"{service['url']}/staff/login",
        allow_redirects=False,
        headers=FORGED,
        data={
            "csrftoken": csrf(browser, f"{service['url']}/staff/login"),
            "username": "sam",
            "password": PASSWORD,
        },
    )
    assert answer.status_code == 303
    assert "secure" not in answer.headers["set-cookie"].lower()  # X-Forwarded-Proto ignored


@pytest.mark.parametrize("web_settings", [{"forwarded_allow_ips": "127.0.0.1"}], indirect=True)
def test_a_trusted_proxy_names_the_client(service):
    assert failed_sign_in_from(service) == "198.51.100.7"


def test_the_trained_model_is_published_at_start_once(
    settings_env, sqlite_sessions, tmp_path, caplog
):
    """A fresh clone runs its newest trained model; a restart does not undo a rollback."""
    models = Registry(sqlite_sessions, tmp_path / "published")
    trained = model_file(tmp_path / "net-assistant.tar.gz", "trained")
    settings_env(
        database_url=sqlite_sessions.kw["bind"].url,
        published_models_dir=models.directory,
        trained_model_path=trained,
    )
    publish_trained_model()
    publish_trained_model()
    [first] = models.publications()
    assert (first.actor, first.live, first.file_name) == ("startup", True, trained.name)
    models.publish(model_file(tmp_path / "candidate.tar.gz", "new"), "ada")
    models.rollback("ada")
    models.publish(model_file(tmp_path / "other.tar.gz", "other"), "ada")
    models.rollback("ada")
    publish_trained_model()
    assert len(models.publications()) == 3 and models.current().id == first.id
    trained.write_text("not a model")
    publish_trained_model()  # refused, logged, and the web service still starts
    assert "the trained model was not published: net-assistant.tar.gz is not a .tar.gz" in (
        caplog.text
    )
