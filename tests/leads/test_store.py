"""Storing callback requests exactly once, on SQLite and on the real PostgreSQL."""

import threading

import pytest
from sqlalchemy.exc import IntegrityError

from bot.leads import store
from bot.leads.errors import LeadError
from bot.leads.store import as_dict, list_leads, store_lead
from tests.utils.factories import inserted_lead, request_for


def test_a_lead_is_stored_with_a_reference(sessions):
    lead, created = store_lead(sessions, request_for())
    assert created
    assert lead.reference.startswith("NET-") and len(lead.reference) == 10
    [stored] = list_leads(sessions)
    data = as_dict(stored)
    assert data["phone"] == "+16175550123" and data["status"] == "new"
    assert data["conversation_id"] == "c1" and data["reason"] == "appointment"
    assert data["created_at"].endswith("+00:00")


def test_a_retried_submit_returns_the_first_lead(sessions):
    first, created = store_lead(sessions, request_for())
    again, created_again = store_lead(sessions, request_for(name="Changed Name"))
    assert created and not created_again
    assert again.reference == first.reference and again.name == "Ada Test"
    assert len(list_leads(sessions)) == 1


def test_concurrent_submits_create_one_row(sessions):
    barrier = threading.Barrier(12)
    results, errors = [], []

    def submit():
        try:
            barrier.wait()
            results.append(store_lead(sessions, request_for(submission="same")))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=submit) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(created for _, created in results) == 1
    assert len({lead.reference for lead, _ in results}) == 1
    assert len(list_leads(sessions)) == 1


def test_separate_submissions_are_separate_leads(sessions):
    store_lead(sessions, request_for(submission="a"))
    store_lead(sessions, request_for(submission="b"))
    store_lead(sessions, request_for(submission="a", conversation="c2"))
    assert len(list_leads(sessions)) == 3
    assert [lead.status for lead in list_leads(sessions, status="new")] == ["new"] * 3


def test_values_outside_the_contract_are_refused_by_the_service_and_the_database(sessions):
    with pytest.raises(LeadError, match="reason"):
        store_lead(sessions, request_for(reason="lunch"))
    with pytest.raises(IntegrityError):  # written past the service
        inserted_lead(sessions, reason="lunch")


FORMULA = "=cmd|' /C calc'!A0"
HUGE = "a" * 5000


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", "<img src=x onerror=alert(1)>"),
        ("name", "<script>alert(1)</script>"),
        ("name", FORMULA),
        ("name", '=HYPERLINK("http://evil")'),
        ("name", HUGE),
        ("name", "\x00\x07\x1b[31m"),
        ("name", "'; DROP TABLE leads; --"),
        ("name", ""),
        ("phone", "<script>alert(1)</script>"),
        ("phone", FORMULA),
        ("phone", "1" * 5000),
        ("phone", "555-0123"),
        ("email", "<img src=x onerror=alert(1)>@example.com"),
        ("email", "=cmd|calc!A0@example.com"),
        ("email", "a" * 5000 + "@example.com"),
        ("email", "not an email"),
        ("preferred_time", FORMULA),
        ("preferred_time", "+1+1"),
        ("preferred_time", "@SUM(A1)"),
        ("preferred_time", HUGE),
        ("preferred_time", "<b></b>"),
        ("reason", "<script>"),
        ("diagnosis_status", "maybe"),
        ("conversation_id", "c" * 5000),
        ("submission_id", ""),
    ],
)
def test_a_value_the_form_would_refuse_is_refused_and_nothing_is_stored(sessions, field, value):
    """A forged action call carries whatever slots its author likes: the form's checks run
    again before anything reaches the table."""
    with pytest.raises(LeadError, match=field) as refused:
        store_lead(sessions, request_for(**{field: value}))
    assert not value or value not in str(refused.value)  # it names the detail, not the value
    assert list_leads(sessions) == []


def test_markup_and_control_characters_are_dropped_as_the_form_drops_them(sessions):
    lead, _ = store_lead(
        sessions,
        request_for(
            name="Ann\x00 <b>Lee</b>\u202e",
            phone="(617) 555-0123",
            email=" Jo.Smith@Example.COM ",
            preferred_time="weekday\r\nmornings\x07",
        ),
    )
    assert (lead.name, lead.phone, lead.email, lead.preferred_time) == (
        "Ann Lee",
        "+16175550123",
        "Jo.Smith@example.com",
        "weekday mornings",
    )


@pytest.mark.parametrize(
    "name",
    [
        "李小龙",
        "Zoë Ñúñez-O'Brien",
        "محمد عبد الله",
        "नरेन्द्र मोदी",
        "علی\u200cرضا",
        "Ōkalani ʻIolani",
        "Ngũgĩ wa Thiong'o",
        "a" * 100,
    ],
)
def test_names_in_any_script_are_stored_as_typed(sessions, name):
    lead, created = store_lead(sessions, request_for(name=name))
    assert created and lead.name == name


def test_a_colliding_reference_is_drawn_again(sessions, monkeypatch):
    draws = iter(["NET-AAAAAA", "NET-AAAAAA", "NET-BBBBBB"])
    monkeypatch.setattr(store, "new_reference", lambda: next(draws))
    first, _ = store_lead(sessions, request_for(submission="a"))
    second, created = store_lead(sessions, request_for(submission="b"))
    assert (first.reference, second.reference, created) == ("NET-AAAAAA", "NET-BBBBBB", True)


def test_a_reference_is_found_however_it_is_typed(sessions):
    lead, _ = store_lead(sessions, request_for())
    [found] = list_leads(sessions, reference=f"  {lead.reference.lower()} ")
    assert found.id == lead.id
    with sessions() as session:
        assert store.find(session, lead.reference.lower()).id == lead.id
        assert store.find(session, "NET-NOPE99") is None
