"""The callback queue on SQLite and on the real PostgreSQL: claim races, leases, outcomes,
export, deletion and the audit log."""
import csv
import io
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from bot import callback_queue as queue
from bot.staff.accounts import add_user
from bot.storage.db import make_engine
from bot.storage.leads import list_leads, store_lead
from bot.storage.models import AuditEntry, Lead
from tests.storage_backends import database_url  # noqa: F401 (fixture)
from tests.test_storage import request_for, sessions  # noqa: F401 (fixture)

LEASE = timedelta(minutes=30)
LEADS = 200
WORKERS = 10


@pytest.fixture
def staff(sessions):
    return [add_user(sessions, f"worker{i}", "correct horse battery") for i in range(WORKERS)]


@pytest.fixture
def admin(sessions):
    return add_user(sessions, "boss", "correct horse battery", role="admin")


def fill(sessions, count, name="Ada Test"):
    return [store_lead(sessions, request_for(submission=f"s{i}", name=name))[0]
            for i in range(count)]


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
    leads = fill(sessions, LEADS)
    claims = claim_until_empty(sessions, staff)
    assert_each_claimed_once(sessions, claims, leads)
    assert len({person for _, person in claims}) > 1, "the workers did not run concurrently"


def test_claims_go_on_while_another_transaction_locks_a_row(sessions, staff, database_url):  # noqa: F811
    leads = fill(sessions, LEADS)
    blocker = make_engine(database_url)
    if blocker.dialect.name == "postgresql":
        # A row locked by someone else is skipped, not waited for.
        with blocker.connect() as connection:
            transaction = connection.begin()
            connection.execute(text("SELECT id FROM leads WHERE id = :id FOR UPDATE"),
                               {"id": leads[0].id})
            claims = claim_until_empty(sessions, staff)
            assert leads[0].id not in {lead_id for lead_id, _ in claims}
            transaction.rollback()
        last = queue.claim_next(sessions, staff[0], LEASE)
        claims.append((last.id, staff[0].id))
    else:
        # SQLite locks the whole database for a writer: claimers wait, then all go on.
        locked = threading.Event()

        def hold_the_lock():
            with blocker.connect() as connection:
                transaction = connection.begin()
                connection.execute(text("UPDATE leads SET note = 'held' WHERE id = :id"),
                                   {"id": leads[0].id})
                locked.set()
                time.sleep(1.5)
                transaction.rollback()

        holder = threading.Thread(target=hold_the_lock)
        holder.start()
        locked.wait(10)
        started = time.monotonic()
        claims = claim_until_empty(sessions, staff)
        holder.join()
        assert time.monotonic() - started >= 1.0, "the claimers did not wait for the lock"
    blocker.dispose()
    assert_each_claimed_once(sessions, claims, leads)


def test_an_abandoned_claim_returns_to_the_queue_after_its_lease(sessions, staff):
    [lead] = fill(sessions, 1)
    first, second = staff[0], staff[1]
    assert queue.claim_next(sessions, first, LEASE).id == lead.id
    assert queue.claim_next(sessions, second, LEASE) is None
    with pytest.raises(queue.Conflict):
        queue.claim(sessions, lead.reference, second, LEASE)
    later = datetime.now(timezone.utc) + LEASE + timedelta(seconds=1)
    assert queue.claim_next(sessions, second, LEASE, now=later).claimed_by == second.id
    with pytest.raises(queue.Conflict):  # the first worker's claim is gone
        queue.record_outcome(sessions, lead.reference, first, "contacted", now=later)


def test_outcomes_and_no_answer_retry(sessions, staff):
    a, b = fill(sessions, 2)
    person = staff[0]
    queue.claim(sessions, a.reference, person, LEASE)
    done = queue.record_outcome(sessions, a.reference, person, "contacted", note="booked Tue")
    assert (done.status, done.note, done.claimed_by) == ("contacted", "booked Tue", None)

    queue.claim(sessions, b.reference, person, LEASE)
    missed = queue.record_outcome(sessions, b.reference, person, "no_answer",
                                  retry_after=timedelta(hours=2))
    assert (missed.status, missed.attempts) == ("no_answer", 1)
    assert queue.claim_next(sessions, person, LEASE) is None  # not before the retry time
    later = datetime.now(timezone.utc) + timedelta(hours=2, seconds=1)
    assert queue.claim_next(sessions, person, LEASE, now=later).id == b.id

    with pytest.raises(queue.QueueError):
        queue.record_outcome(sessions, b.reference, person, "closed", now=later)  # no reason
    closed = queue.record_outcome(sessions, b.reference, person, "closed",
                                  closed_reason="unreachable", now=later)
    assert (closed.status, closed.closed_reason) == ("closed", "unreachable")
    assert list_leads(sessions, status="open") == []
    assert len(list_leads(sessions)) == 2


def test_bad_notes_are_refused_or_cleaned(sessions, staff):
    [lead] = fill(sessions, 1)
    queue.claim(sessions, lead.reference, staff[0], LEASE)
    with pytest.raises(queue.QueueError):
        queue.record_outcome(sessions, lead.reference, staff[0], "contacted", note="x" * 501)
    stored = queue.record_outcome(sessions, lead.reference, staff[0], "contacted",
                                  note="called\x00 back \x1b[31m<b>ok</b> 👍")
    assert stored.note == "called back [31m<b>ok</b> 👍"


def test_export_is_csv_for_admins_only_and_defuses_formulas(sessions, staff, admin):
    fill(sessions, 2, name="=HYPERLINK(\"http://evil\")")
    now = datetime.now(timezone.utc)
    out = io.StringIO()
    with pytest.raises(PermissionError):
        queue.export_csv(sessions, now - timedelta(days=1), now + timedelta(days=1), staff[0], out)
    count = queue.export_csv(sessions, now - timedelta(days=1), now + timedelta(days=1), admin, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert count == len(rows) == 2
    assert rows[0]["name"].startswith("'=")
    with sessions() as session:
        exported = session.execute(select(AuditEntry).where(AuditEntry.action == "exported"))
        assert sorted(e.lead_reference for e in exported.scalars()) == sorted(
            row["reference"] for row in rows)
    empty = io.StringIO()
    assert queue.export_csv(sessions, now + timedelta(days=1), now + timedelta(days=2), admin,
                            empty) == 0


def test_deletion_leaves_only_a_non_personal_audit_trail(sessions, staff, admin):
    [lead] = fill(sessions, 1, name="Zoë Unique-Name")
    queue.view(sessions, lead.reference, staff[0])
    queue.claim(sessions, lead.reference, staff[0], LEASE)
    queue.record_outcome(sessions, lead.reference, staff[0], "contacted", note="spoke to Zoë")
    queue.delete_lead(sessions, lead.reference, admin)
    with pytest.raises(queue.NotFound):
        queue.view(sessions, lead.reference, admin)
    with sessions() as session:
        assert session.execute(select(Lead)).first() is None
        entries = list(session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars())
    assert [(e.actor, e.action) for e in entries] == [
        ("worker0", "viewed"), ("worker0", "claimed"), ("worker0", "updated"),
        ("boss", "deleted")]
    assert all(e.lead_reference == lead.reference for e in entries)
    logged = " ".join(f"{e.actor} {e.action} {e.detail}" for e in entries)
    for personal in ("Zoë", "Unique-Name", "+16175550123", "spoke"):
        assert personal not in logged
