"""Storing callback requests exactly once, on SQLite and on the real PostgreSQL."""

import threading

import pytest
from sqlalchemy.exc import IntegrityError

from bot.leads import store
from bot.leads.store import details, list_leads, store_lead, summary
from tests.utils.factories import request_for


def test_a_lead_is_stored_with_a_reference(sessions):
    lead, created = store_lead(sessions, request_for())
    assert created
    assert lead.reference.startswith("NET-") and len(lead.reference) == 10
    [stored] = list_leads(sessions)
    data = details(stored)
    assert data["phone"] == "+16175550123" and data["status"] == "new"
    assert data["reason"] == "appointment" and data["created_at"].endswith("+00:00")
    assert stored.conversation_id == "c1"


def test_staff_see_no_bookkeeping_and_the_summary_no_contact_details(sessions):
    lead, _ = store_lead(sessions, request_for(email="ada@example.org"))
    shown = details(lead)
    assert (shown["name"], shown["email"]) == ("Ada Test", "ada@example.org")
    for hidden in ("conversation_id", "submission_id", "claim_token"):
        assert hidden not in shown
    picked = summary(lead)
    assert picked["reference"] == lead.reference
    assert not {"name", "phone", "email", "conversation_id"} & set(picked)


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


def test_the_database_refuses_values_outside_the_contract(sessions):
    with pytest.raises(IntegrityError):
        store_lead(sessions, request_for(reason="lunch"))


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
