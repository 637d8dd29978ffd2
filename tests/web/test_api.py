"""The staff JSON API over real HTTP: the queue, exports and deletion, sign-out."""

import csv
import io

import pytest
import requests
from sqlalchemy import select

from bot.db import migrate
from bot.db.engine import make_engine, session_factory
from bot.db.models import AuditEntry
from bot.leads.store import store_lead
from bot.staff.accounts import add_user
from bot.web.app import create_app
from tests.utils.factories import request_for
from tests.utils.servers import serving
from tests.utils.staff_web import PASSWORD, api_token, sign_in


def test_the_api_works_the_queue_and_admins_export_and_delete(service):
    staff, admin = api_token(service, "sam"), api_token(service, "ada")
    url = service["url"]
    listed = requests.get(f"{url}/api/leads", headers=staff).json()
    assert [row["reference"] for row in listed] == [lead.reference for lead in service["leads"]]
    assert "name" not in listed[0] and "phone" not in listed[0]
    assert requests.get(f"{url}/api/leads?status=bogus", headers=staff).status_code == 422
    lead = requests.post(f"{url}/api/leads/claim-next", headers=staff).json()
    assert lead["status"] == "claimed" and lead["name"] == "Ann Lee"  # now it is theirs
    bad = requests.patch(
        f"{url}/api/leads/{lead['reference']}", headers=staff, json={"outcome": "closed"}
    )
    assert bad.status_code == 422
    done = requests.patch(
        f"{url}/api/leads/{lead['reference']}",
        headers=staff,
        json={"outcome": "closed", "closed_reason": "duplicate"},
    )
    assert done.json()["status"] == "closed"
    assert requests.post(f"{url}/api/leads/NET-NOPE99/claim", headers=staff).status_code == 404
    exported = requests.get(
        f"{url}/api/leads/export?start=2000-01-01&end=2100-01-01", headers=admin
    )
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert exported.headers["content-type"].startswith("text/csv") and len(rows) == 2
    assert requests.delete(f"{url}/api/leads/{lead['reference']}", headers=admin).status_code == 204
    assert requests.get(f"{url}/api/leads/{lead['reference']}", headers=admin).status_code == 404
    # The conversation behind it went first (the leads' conversation id is "c1").
    assert service["chat_calls"] == [("DELETE", "conversations/c1")]
    assert requests.delete(f"{url}/api/session", headers=staff).status_code == 204
    assert requests.get(f"{url}/api/leads", headers=staff).status_code == 401
    assert requests.get(f"{url}/api/openapi.json").json()["paths"]["/api/leads/claim-next"]


def test_a_lead_whose_conversation_cannot_be_deleted_is_kept(web_settings):
    """Nothing answers where the chat server should be: a deletion reported done would leave
    the conversation, so the request stays and the admin is told to try again."""
    migrate.upgrade(web_settings.database_url)
    engine = make_engine(web_settings.database_url)
    sessions = session_factory(engine)
    add_user(sessions, "ada", PASSWORD, role="admin")
    lead, _ = store_lead(sessions, request_for())
    with serving(create_app(web_settings), web_settings.web_port) as url:
        service = {"url": url}
        admin = api_token(service, "ada")
        answer = requests.delete(f"{url}/api/leads/{lead.reference}", headers=admin)
        assert answer.status_code == 503 and "kept" in answer.json()["detail"]
        assert requests.get(f"{url}/api/leads/{lead.reference}", headers=admin).status_code == 200
    engine.dispose()


def test_no_answer_names_the_conversation_and_only_claims_and_views_carry_contacts(service):
    staff = api_token(service, "sam")
    url, reference = service["url"], service["leads"][0].reference
    answers = {
        "list": requests.get(f"{url}/api/leads?status=all", headers=staff).json(),
        "view": requests.get(f"{url}/api/leads/{reference}", headers=staff).json(),
        "claim": requests.post(f"{url}/api/leads/{reference}/claim", headers=staff).json(),
        "release": requests.post(f"{url}/api/leads/{reference}/release", headers=staff).json(),
        "claim-next": requests.post(f"{url}/api/leads/claim-next", headers=staff).json(),
    }
    answers["update"] = requests.patch(
        f"{url}/api/leads/{reference}", headers=staff, json={"outcome": "contacted"}
    ).json()
    for name, answer in answers.items():
        for row in answer if isinstance(answer, list) else [answer]:
            assert "conversation_id" not in row and "submission_id" not in row, name
            assert "claim_token" not in row, name
            carries_contacts = name in ("view", "claim", "claim-next")
            assert ("phone" in row) == carries_contacts, name
            assert ("name" in row) == carries_contacts, name
    assert answers["view"]["name"] == "Ann Lee" and answers["view"]["phone"] == "+16175550123"


@pytest.mark.parametrize("web_settings", [{"lead_views_per_minute": 3}], indirect=True)
def test_opening_requests_one_by_one_is_audited_and_stops_at_the_limit(service):
    staff, admin = api_token(service, "sam"), api_token(service, "ada")
    url, reference = service["url"], service["leads"][1].reference
    for _ in range(3):
        assert requests.get(f"{url}/api/leads/{reference}", headers=staff).status_code == 200
    refused = requests.get(f"{url}/api/leads/{reference}", headers=staff)
    assert refused.status_code == 429
    assert refused.json()["detail"] == "you opened 3 requests within a minute; wait a minute"
    assert requests.get(f"{url}/api/leads/{reference}", headers=admin).status_code == 200
    with service["sessions"]() as session:
        views = session.execute(
            select(AuditEntry.actor, AuditEntry.lead_reference).where(AuditEntry.action == "viewed")
        ).all()
    assert sorted(views) == [("ada", reference)] + [("sam", reference)] * 3


def test_an_export_to_the_last_representable_day_is_a_422_with_the_reason(service):
    admin = api_token(service, "ada")
    answer = requests.get(
        f"{service['url']}/api/leads/export?start=2026-01-01&end=9999-12-31", headers=admin
    )
    assert answer.status_code == 422
    assert "end of the range must be before 9999-12-31" in answer.json()["detail"]
    page = sign_in(service, "ada").get(
        f"{service['url']}/staff/export.csv?start=2026-01-01&end=9999-12-31"
    )
    assert page.status_code == 422 and "must be before 9999-12-31" in page.text
