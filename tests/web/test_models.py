"""The admins' page of published models: who may see it, the rollback button, the audit."""

import pytest
import requests
from sqlalchemy import select

from bot.db.models import AuditEntry
from bot.models.registry import Registry
from tests.utils.published import model_file
from tests.utils.staff_web import csrf, sign_in


@pytest.fixture
def web_settings(web_settings, tmp_path):
    return web_settings.copy(update={"published_models_dir": tmp_path / "published"})


@pytest.fixture
def models(service, web_settings):
    return Registry(service["sessions"], web_settings.published_models_dir)


def test_only_admins_see_the_page(service):
    anonymous = service["url"] + "/staff/models"
    answer = requests.get(anonymous, allow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/staff/login?next=/staff/models"
    staff = sign_in(service, "sam")
    assert staff.get(anonymous).status_code == 403
    assert "/staff/models" not in staff.get(f"{service['url']}/staff/").text
    token = csrf(staff, f"{service['url']}/staff/")
    refused = staff.post(f"{service['url']}/staff/models/rollback", data={"csrftoken": token})
    assert refused.status_code == 403


def test_admins_see_each_publication_and_roll_back_audited(service, models, tmp_path):
    first = models.publish(model_file(tmp_path / "first.tar.gz", "1"), "startup")
    second = models.publish(model_file(tmp_path / "<i>second.tar.gz", "2"), "bob", {"passed": True})
    admin = sign_in(service, "ada")
    assert '<a href="/staff/models">Models</a>' in admin.get(f"{service['url']}/staff/").text
    page = admin.get(f"{service['url']}/staff/models").text
    assert "&lt;i&gt;second.tar.gz" in page and "<i>second" not in page
    assert second.sha256[:12] in page and first.sha256[:12] in page
    assert "passed" in page and "not gated" in page and "<strong>live</strong>" in page
    # Without the form's CSRF token nothing happens.
    assert admin.post(f"{service['url']}/staff/models/rollback").status_code == 403
    assert models.current().id == second.id
    token = csrf(admin, f"{service['url']}/staff/models")
    answer = admin.post(
        f"{service['url']}/staff/models/rollback",
        data={"csrftoken": token},
        allow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/staff/models?notice=rolled-back"
    assert models.current().id == first.id
    page = admin.get(f"{service['url']}{answer.headers['location']}").text
    assert "Rolled back" in page and "rolled back 20" in page
    with service["sessions"]() as session:
        [entry] = session.execute(
            select(AuditEntry).where(AuditEntry.action == "model_rollback")
        ).scalars()
    assert entry.actor == "ada" and entry.detail.startswith(f"#{second.id} withdrawn")
    # Nothing before the first: the page says so, and nothing changes.
    refused = admin.post(f"{service['url']}/staff/models/rollback", data={"csrftoken": token})
    assert refused.status_code == 409
    assert "nothing to roll back to" in refused.text and models.current().id == first.id


def test_an_empty_list_says_so(service, models):
    page = sign_in(service, "ada").get(f"{service['url']}/staff/models").text
    assert "No model has been published yet." in page
