"""The data layer on SQLite and on the real PostgreSQL: migrations, exactly-once storage."""
import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy import inspect

from bot.storage import migrate
from bot.storage.db import make_engine, session_factory
from bot.storage.leads import LeadRequest, as_dict, list_leads, store_lead
from tests.storage_backends import database_url  # noqa: F401 (fixture)


def request_for(submission="s1", conversation="c1", **overrides):
    values = dict(
        reason="appointment", name="Ada Test", phone="+16175550123", email=None,
        preferred_time="weekday mornings", diagnosis_status="not_sure",
        consent_at=datetime(2026, 11, 25, 15, 0, tzinfo=timezone.utc), notice_version="2026-11",
        conversation_id=conversation, submission_id=submission,
    )
    values.update(overrides)
    return LeadRequest(**values)


@pytest.fixture
def sessions(database_url):  # noqa: F811
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    yield session_factory(engine)
    engine.dispose()


def test_migrations_go_up_and_down(database_url):  # noqa: F811
    engine = make_engine(database_url)
    migrate.upgrade(database_url)
    assert "leads" in inspect(engine).get_table_names()
    migrate.downgrade(database_url)
    assert "leads" not in inspect(engine).get_table_names()
    migrate.upgrade(database_url)
    assert "leads" in inspect(engine).get_table_names()
    engine.dispose()


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


def test_the_database_refuses_values_outside_the_contract(sessions):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        store_lead(sessions, request_for(reason="lunch"))


def test_a_colliding_reference_is_drawn_again(sessions, monkeypatch):
    import bot.storage.leads as leads

    draws = iter(["NET-AAAAAA", "NET-AAAAAA", "NET-BBBBBB"])
    monkeypatch.setattr(leads, "new_reference", lambda: next(draws))
    first, _ = store_lead(sessions, request_for(submission="a"))
    second, created = store_lead(sessions, request_for(submission="b"))
    assert (first.reference, second.reference, created) == ("NET-AAAAAA", "NET-BBBBBB", True)
