"""Storing callback requests exactly once, on SQLite and on the real PostgreSQL."""

import hashlib
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from bot.db.models import utcnow
from bot.leads import queue, store
from bot.leads.errors import LeadError, LimitReached
from bot.leads.store import CLIENT_WINDOW, Lead, details, list_leads, store_lead, summary
from tests.utils.factories import inserted_lead, phone_for, request_for


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
    store_lead(sessions, request_for(submission="b", reason="second_opinion"))
    store_lead(sessions, request_for(submission="a", conversation="c2", phone=phone_for(2)))
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
    second, created = store_lead(sessions, request_for(submission="b", phone=phone_for(2)))
    assert (first.reference, second.reference, created) == ("NET-AAAAAA", "NET-BBBBBB", True)


def test_a_reference_is_found_however_it_is_typed(sessions):
    lead, _ = store_lead(sessions, request_for())
    [found] = list_leads(sessions, reference=f"  {lead.reference.lower()} ")
    assert found.id == lead.id
    with sessions() as session:
        assert store.find(session, lead.reference.lower()).id == lead.id
        assert store.find(session, "NET-NOPE99") is None


# --- the same request twice, and the limits ----------------------------------------------


def test_the_same_request_from_another_conversation_is_the_first_lead_unchanged(sessions):
    first, _ = store_lead(sessions, request_for(submission="a", conversation="c1"))
    again, created = store_lead(
        sessions,
        request_for(submission="b", conversation="c2", name="Eve Other", preferred_time="now"),
    )
    assert not created and again.reference == first.reference
    [lead] = list_leads(sessions)
    # Nothing shows that the second conversation is the same visitor: nothing is overwritten.
    assert (lead.name, lead.preferred_time, lead.conversation_id) == (
        "Ada Test",
        "weekday mornings",
        "c1",
    )


def test_the_same_conversation_asking_again_updates_its_open_request(sessions):
    first, _ = store_lead(sessions, request_for(submission="a"))
    again, created = store_lead(
        sessions,
        request_for(submission="b", preferred_time="after 3pm", email="ada@example.com"),
    )
    assert not created and again.reference == first.reference
    [lead] = list_leads(sessions)
    assert (lead.preferred_time, lead.email) == ("after 3pm", "ada@example.com")
    assert again.preferred_time == "after 3pm"  # what the caller gets back is current


def test_a_request_staff_work_on_is_merged_into_but_not_changed(sessions):
    first, _ = store_lead(sessions, request_for(submission="a"))
    with sessions() as session:
        session.execute(update(Lead).values(status="claimed"))
        session.commit()
    again, created = store_lead(sessions, request_for(submission="b", preferred_time="noon"))
    assert not created and again.reference == first.reference
    assert again.preferred_time == "weekday mornings"


@pytest.mark.parametrize(
    "earlier",
    [{"status": "closed"}, {"status": "contacted"}, {"created_at": utcnow() - timedelta(days=2)}],
    ids=["closed", "contacted", "two-days-old"],
)
def test_a_finished_or_old_request_does_not_take_in_a_new_one(sessions, earlier):
    first, _ = store_lead(sessions, request_for(submission="a"))
    with sessions() as session:
        session.execute(update(Lead).values(**earlier))
        session.commit()
    second, created = store_lead(sessions, request_for(submission="b", conversation="c2"))
    assert created and second.reference != first.reference
    assert len(list_leads(sessions)) == 2


def test_another_reason_or_number_is_another_request(sessions):
    store_lead(sessions, request_for(submission="a"))
    store_lead(sessions, request_for(submission="b", conversation="c2", reason="second_opinion"))
    store_lead(sessions, request_for(submission="c", conversation="c3", phone=phone_for(3)))
    assert len(list_leads(sessions)) == 3


def visitor_request(number: int, **overrides):
    """Request `number` of a flood: its own conversation and phone number unless told."""
    values = dict(submission=f"s{number}", conversation=f"c{number}", phone=phone_for(number))
    return request_for(**{**values, **overrides})


def test_a_conversation_leaves_at_most_two_requests(sessions):
    for number in range(2):
        assert store_lead(sessions, visitor_request(number, conversation="chatty"))[1]
    with pytest.raises(LimitReached, match="conversation"):
        store_lead(sessions, visitor_request(2, conversation="chatty"))
    assert len(list_leads(sessions)) == 2
    # A retry of a request it did leave still gets its lead.
    assert store_lead(sessions, visitor_request(1, conversation="chatty"))[1] is False


def test_a_client_leaves_at_most_five_requests_an_hour(sessions):
    for number in range(5):
        assert store_lead(sessions, visitor_request(number, client_key="client-a"))[1]
    with pytest.raises(LimitReached, match="client"):
        store_lead(sessions, visitor_request(5, client_key="client-a"))
    # Other clients, and requests without a client key (the REST channel), are not held up.
    assert store_lead(sessions, visitor_request(6, client_key="client-b"))[1]
    assert store_lead(sessions, visitor_request(7))[1]
    # An hour later the client may ask again.
    with sessions() as session:
        session.execute(update(Lead).values(created_at=utcnow() - CLIENT_WINDOW))
        session.commit()
    assert store_lead(sessions, visitor_request(8, client_key="client-a"))[1]
    assert len(list_leads(sessions)) == 8


def test_the_limits_are_settings(sessions, settings_env):
    settings_env(max_leads_per_conversation=1, max_leads_per_client_per_hour=2)
    store_lead(sessions, visitor_request(0, conversation="one", client_key="k"))
    with pytest.raises(LimitReached):
        store_lead(sessions, visitor_request(1, conversation="one", client_key="k"))
    store_lead(sessions, visitor_request(2, client_key="k"))
    with pytest.raises(LimitReached):
        store_lead(sessions, visitor_request(3, client_key="k"))


@pytest.mark.parametrize("key", ["0f3a9c", "203.0.113.7", "k" * 5000])
def test_the_client_key_is_kept_only_as_a_hash(sessions, key):
    lead, _ = store_lead(sessions, request_for(client_key=key))
    assert lead.client_key == hashlib.sha256(key.encode()).hexdigest() != key
    with pytest.raises(LeadError, match="client_key"):
        store_lead(sessions, request_for(submission="s2", client_key=""))


def concurrently(count, work):
    """Run work(i) for i < count in threads started together; (results, LimitReached count)."""
    barrier = threading.Barrier(count)
    results, limited, errors = [], [], []

    def one(number):
        barrier.wait()
        try:
            results.append(work(number))
        except LimitReached:
            limited.append(number)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results, len(limited)


def test_the_limits_hold_against_concurrent_requests(sessions):
    """Read-then-write checks that two writers could both pass would let a flood through."""
    stored, limited = concurrently(
        12, lambda n: store_lead(sessions, visitor_request(n, client_key="racer"))
    )
    assert (len(stored), limited) == (5, 7)
    stored, limited = concurrently(
        8, lambda n: store_lead(sessions, visitor_request(20 + n, conversation="one-chat"))
    )
    assert (len(stored), limited) == (2, 6)
    same, limited = concurrently(
        8, lambda n: store_lead(sessions, visitor_request(40, submission=f"again-{n}"))
    )
    assert limited == 0 and len({lead.reference for lead, _ in same}) == 1
    assert sum(created for _, created in same) == 1
    assert len(list_leads(sessions)) == 5 + 2 + 1


def test_a_flood_stops_at_the_limits_and_the_queue_still_works(sessions, staff):
    """Two hundred forged requests from ten clients, each from a conversation of its own and
    each for another number: five per client are stored, the rest are refused, and the next
    visitor's request and the staff queue are as usual."""
    outcomes = Counter()
    for number in range(200):
        try:
            store_lead(sessions, visitor_request(number, client_key=f"flooder-{number % 10}"))
            outcomes["stored"] += 1
        except LimitReached:
            outcomes["refused"] += 1
    assert outcomes == {"stored": 50, "refused": 150}
    by_client = Counter(lead.client_key for lead in list_leads(sessions))
    assert set(by_client.values()) == {5}
    lead, created = store_lead(sessions, visitor_request(400, client_key="a-real-visitor"))
    assert created and lead.reference.startswith("NET-")
    claimed = queue.claim_next(sessions, staff[0], timedelta(minutes=30))
    assert claimed is not None and claimed.status == "claimed"
