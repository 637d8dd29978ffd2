"""The callback queue on SQLite and on the real PostgreSQL: claim races, leases, outcomes,
releases, deletion and the audit log."""

import threading
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event, select, text, update

from bot.db.engine import make_engine
from bot.db.models import AuditEntry, Lead
from bot.leads import queue
from bot.leads.errors import Conflict, LeadError, NotFound, Throttled
from bot.leads.store import list_leads
from tests.utils.factories import stored_leads

LEASE = timedelta(minutes=30)
VIEWS = 30  # a minute
LEADS = 200


def claim_until_empty(sessions, workers):
    """Each worker claims until the queue says it is empty; returns every claim made."""
    claims, errors = [], []
    start = threading.Barrier(len(workers))

    def work(person):
        start.wait()
        try:
            while (lead := queue.claim_next(sessions, person, LEASE)) is not None:
                claims.append((lead.id, person.id))
        except Exception as error:  # a failure in a thread must fail the test
            errors.append(error)

    threads = [threading.Thread(target=work, args=(person,)) for person in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return claims


def assert_each_claimed_once(sessions, claims, leads):
    counts = Counter(lead_id for lead_id, _ in claims)
    assert sorted(counts) == sorted(lead.id for lead in leads), "a lead was lost or invented"
    assert max(counts.values()) == 1, "a lead was claimed twice"
    with sessions() as session:
        stored = {lead.id: lead.claimed_by for lead in session.execute(select(Lead)).scalars()}
    assert all(stored[lead_id] == person for lead_id, person in claims)


def test_concurrent_claims_take_every_lead_exactly_once(sessions, staff):
    leads = stored_leads(sessions, LEADS)
    claims = claim_until_empty(sessions, staff)
    assert_each_claimed_once(sessions, claims, leads)
    assert len({person for _, person in claims}) > 1, "the workers did not run concurrently"


def test_claims_go_on_while_another_transaction_locks_a_row(sessions, staff, database_url):
    leads = stored_leads(sessions, LEADS)
    blocker = make_engine(database_url)
    if blocker.dialect.name == "postgresql":
        # A row locked by someone else is skipped, not waited for.
        with blocker.connect() as connection:
            transaction = connection.begin()
            connection.execute(
                text("SELECT id FROM leads WHERE id = :id FOR UPDATE"), {"id": leads[0].id}
            )
            claims = claim_until_empty(sessions, staff)
            assert leads[0].id not in {lead_id for lead_id, _ in claims}
            transaction.rollback()
        last = queue.claim_next(sessions, staff[0], LEASE)
        claims.append((last.id, staff[0].id))
    else:
        claims = _claims_behind_sqlites_write_lock(sessions, staff, blocker, leads[0].id)
    blocker.dispose()
    assert_each_claimed_once(sessions, claims, leads)


def _claims_behind_sqlites_write_lock(sessions, staff, blocker, lead_id):
    """SQLite locks the whole database for a writer: claimers wait for it, then all go on."""
    attempted = threading.Event()

    def note_write(_connection, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("UPDATE"):
            attempted.set()

    engine = sessions.kw["bind"]
    event.listen(engine, "before_cursor_execute", note_write)
    outcome = {}
    worker = threading.Thread(
        target=lambda: outcome.update(claims=claim_until_empty(sessions, staff))
    )
    try:
        with blocker.connect() as connection:
            transaction = connection.begin()
            connection.execute(
                text("UPDATE leads SET note = 'held' WHERE id = :id"), {"id": lead_id}
            )
            worker.start()
            assert attempted.wait(30), "no claimer tried to write"
            assert worker.is_alive() and "claims" not in outcome, "a claim got past the lock"
            transaction.rollback()
        worker.join(120)
    finally:
        event.remove(engine, "before_cursor_execute", note_write)
    return outcome["claims"]


def test_an_abandoned_claim_returns_to_the_queue_after_its_lease(sessions, staff):
    [lead] = stored_leads(sessions, 1)
    first, second = staff[0], staff[1]
    assert queue.claim_next(sessions, first, LEASE).id == lead.id
    assert queue.claim_next(sessions, second, LEASE) is None
    with pytest.raises(Conflict):
        queue.claim(sessions, lead.reference, second, LEASE)
    later = datetime.now(timezone.utc) + LEASE + timedelta(seconds=1)
    assert queue.claim_next(sessions, second, LEASE, now=later).claimed_by == second.id
    with pytest.raises(Conflict):  # the first worker's claim is gone
        queue.record_outcome(sessions, lead.reference, first, "contacted", now=later)


def test_outcomes_and_no_answer_retry(sessions, staff):
    a, b = stored_leads(sessions, 2)
    person = staff[0]
    queue.claim(sessions, a.reference, person, LEASE)
    done = queue.record_outcome(sessions, a.reference, person, "contacted", note="booked Tue")
    assert (done.status, done.note, done.claimed_by) == ("contacted", "booked Tue", None)

    queue.claim(sessions, b.reference, person, LEASE)
    missed = queue.record_outcome(
        sessions, b.reference, person, "no_answer", retry_after=timedelta(hours=2)
    )
    assert (missed.status, missed.attempts) == ("no_answer", 1)
    assert queue.claim_next(sessions, person, LEASE) is None  # not before the retry time
    later = datetime.now(timezone.utc) + timedelta(hours=2, seconds=1)
    assert queue.claim_next(sessions, person, LEASE, now=later).id == b.id

    with pytest.raises(LeadError):
        queue.record_outcome(sessions, b.reference, person, "closed", now=later)  # no reason
    closed = queue.record_outcome(
        sessions, b.reference, person, "closed", closed_reason="unreachable", now=later
    )
    assert (closed.status, closed.closed_reason) == ("closed", "unreachable")
    assert list_leads(sessions, status="open") == []
    assert len(list_leads(sessions)) == 2


def test_bad_notes_are_refused_or_cleaned(sessions, staff):
    [lead] = stored_leads(sessions, 1)
    queue.claim(sessions, lead.reference, staff[0], LEASE)
    with pytest.raises(LeadError):
        queue.record_outcome(sessions, lead.reference, staff[0], "contacted", note="x" * 501)
    stored = queue.record_outcome(
        sessions, lead.reference, staff[0], "contacted", note="called\x00 back \x1b[31m<b>ok</b> 👍"
    )
    assert stored.note == "called back [31m<b>ok</b> 👍"


def test_deletion_leaves_only_a_non_personal_audit_trail(sessions, staff, admin):
    [lead] = stored_leads(sessions, 1, name="Zoë Unique-Name")
    queue.view(sessions, lead.reference, staff[0], VIEWS)
    queue.claim(sessions, lead.reference, staff[0], LEASE)
    queue.record_outcome(sessions, lead.reference, staff[0], "contacted", note="spoke to Zoë")
    queue.delete_lead(sessions, lead.reference, admin)
    with pytest.raises(NotFound):
        queue.view(sessions, lead.reference, admin, VIEWS)
    with sessions() as session:
        assert session.execute(select(Lead)).first() is None
        entries = list(session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars())
    assert [(e.actor, e.action) for e in entries] == [
        ("worker0", "viewed"),
        ("worker0", "claimed"),
        ("worker0", "updated"),
        ("boss", "deleted"),
    ]
    assert all(e.lead_reference == lead.reference for e in entries)
    logged = " ".join(f"{e.actor} {e.action} {e.detail}" for e in entries)
    for personal in ("Zoë", "Unique-Name", "+16175550123", "spoke"):
        assert personal not in logged


def test_a_release_gives_the_lead_back_and_only_its_holder_can_release(sessions, staff):
    [lead] = stored_leads(sessions, 1)
    holder, other = staff[0], staff[1]
    queue.claim(sessions, lead.reference, holder, LEASE)
    with pytest.raises(Conflict):
        queue.release(sessions, lead.reference, other)
    released = queue.release(sessions, lead.reference, holder)
    assert (released.status, released.claimed_by, released.claim_token) == ("new", None, None)
    assert queue.claim_next(sessions, other, LEASE).id == lead.id
    with pytest.raises(NotFound):
        queue.release(sessions, "NET-NOPE99", other)
    with sessions() as session:
        actions = [
            e.action for e in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
        ]
    assert actions == ["claimed", "released", "claimed"]


def test_a_release_after_a_missed_call_keeps_it_a_missed_call(sessions, staff):
    [lead] = stored_leads(sessions, 1)
    person = staff[0]
    queue.claim(sessions, lead.reference, person, LEASE)
    queue.record_outcome(sessions, lead.reference, person, "no_answer", retry_after=timedelta(0))
    queue.claim(sessions, lead.reference, person, LEASE)
    released = queue.release(sessions, lead.reference, person)
    assert (released.status, released.attempts) == ("no_answer", 1)


def viewed(sessions):
    with sessions() as session:
        query = select(AuditEntry.actor, AuditEntry.lead_reference, AuditEntry.detail).where(
            AuditEntry.action == "viewed"
        )
        return session.execute(query.order_by(AuditEntry.id)).all()


def test_one_staff_member_opens_only_so_many_leads_a_minute(sessions, staff):
    leads = stored_leads(sessions, 4)
    person, colleague = staff[0], staff[1]
    now = datetime.now(timezone.utc)
    for lead in leads[:3]:
        assert queue.view(sessions, lead.reference, person, 3, now=now).id == lead.id
    with pytest.raises(Throttled, match="3 requests within a minute"):
        queue.view(sessions, leads[3].reference, person, 3, now=now + timedelta(seconds=30))
    assert queue.view(sessions, leads[3].reference, colleague, 3, now=now).id == leads[3].id
    later = now + timedelta(minutes=1, seconds=1)
    assert queue.view(sessions, leads[3].reference, person, 3, now=later).id == leads[3].id
    # Every view that showed contact details is in the audit log; the refused one is not.
    assert viewed(sessions) == [
        *[(person.username, lead.reference, None) for lead in leads[:3]],
        (colleague.username, leads[3].reference, None),
        (person.username, leads[3].reference, None),
    ]


def test_claiming_and_releasing_shows_no_more_contact_details_than_opening(sessions, staff):
    """A claim shows the lead's contact details too: claims and views share the limit, so a
    claim-and-release loop cannot copy the queue either."""
    leads = stored_leads(sessions, 4)
    person, colleague = staff[0], staff[1]
    now = datetime.now(timezone.utc)
    queue.view(sessions, leads[0].reference, person, 3, now=now)
    for lead in leads[1:3]:
        queue.claim(sessions, lead.reference, person, LEASE, now=now, per_minute=3)
        queue.release(sessions, lead.reference, person)
    with pytest.raises(Throttled):
        queue.claim(sessions, leads[3].reference, person, LEASE, now=now, per_minute=3)
    with pytest.raises(Throttled):
        queue.claim_next(sessions, person, LEASE, now=now, per_minute=3)
    assert queue.claim_next(sessions, colleague, LEASE, now=now, per_minute=3) is not None
    later = now + timedelta(minutes=1, seconds=1)
    assert queue.claim(sessions, leads[3].reference, person, LEASE, now=later, per_minute=3)


def test_a_list_with_contact_details_audits_each_lead_for_its_viewer(sessions, staff):
    leads = stored_leads(sessions, 3)
    queue.claim(sessions, leads[0].reference, staff[1], LEASE)
    shown = queue.view_list(sessions, staff[0], status="new")
    assert [lead.id for lead in shown] == [lead.id for lead in leads[1:]]
    assert viewed(sessions) == [
        (staff[0].username, lead.reference, "in a list") for lead in leads[1:]
    ]


def test_worked_tells_how_far_each_lead_went_and_when_it_was_first_reached(sessions, staff):
    """For the analytics page: the first `contacted` outcome in the audit log, at the time the
    queue worked with; a missed call is no contact; leads outside the range are left out."""
    reached, missed, untouched, later = stored_leads(sessions, 4)
    now = datetime.now(timezone.utc)
    queue.claim(sessions, reached.reference, staff[0], LEASE, now=now)
    queue.record_outcome(
        sessions, reached.reference, staff[0], "contacted", now=now + timedelta(minutes=5)
    )
    queue.claim(sessions, missed.reference, staff[1], LEASE, now=now)
    queue.record_outcome(sessions, missed.reference, staff[1], "no_answer", now=now)
    with sessions.begin() as session:
        session.execute(
            update(Lead).where(Lead.id == later.id).values(created_at=now + timedelta(days=2))
        )
    leads = queue.worked(sessions, now - timedelta(hours=1), now + timedelta(days=1))
    assert [(w.status, w.claimed, w.first_contact_at) for w in leads] == [
        ("contacted", True, now + timedelta(minutes=5)),
        ("no_answer", True, None),
        ("new", False, None),
    ]
    assert all(w.created_at.tzinfo is not None for w in leads)
