"""The page's numbers from fixture counts and leads worked through the real queue, on SQLite
and PostgreSQL: per day, rates, top topics, the queue's conversion and the median time to the
first contact; and the range of days, with a clear reason when it cannot be shown."""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from bot.analytics import counts
from bot.analytics.report import RangeError, duration_text, parse_range, report
from bot.db.models import Lead
from bot.leads import queue
from bot.staff.accounts import add_user
from tests.utils.factories import stored_leads

DAY1, DAY2 = date(2026, 11, 2), date(2026, 11, 3)
LEASE = timedelta(hours=12)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.utc)


def lead_created(sessions, lead, created_at):
    with sessions.begin() as session:
        session.execute(update(Lead).where(Lead.id == lead.id).values(created_at=created_at))


def work(sessions, staff, lead, claimed_at, outcome=None, done_at=None, **options):
    queue.claim(sessions, lead.reference, staff, LEASE, now=claimed_at)
    if outcome:
        queue.record_outcome(sessions, lead.reference, staff, outcome, now=done_at, **options)


@pytest.fixture
def worked_queue(sessions):
    """Seven requests: six on the two days (three reached after 2 h, 6 h and 30 min, one
    closed as a duplicate, one untouched, one still claimed), one the week before."""
    a, b, c, d, e, g, old = stored_leads(sessions, 7)
    worker = add_user(sessions, "worker", "correct horse battery")
    for lead, created in (
        (a, at(DAY1, 9)),
        (b, at(DAY1, 12)),
        (c, at(DAY2, 8)),
        (d, at(DAY2, 10)),
        (e, at(DAY2, 11)),
        (g, at(DAY2, 14)),
        (old, at(DAY1, 9) - timedelta(days=7)),
    ):
        lead_created(sessions, lead, created)
    work(sessions, worker, a, at(DAY1, 10), "contacted", at(DAY1, 11))
    work(sessions, worker, b, at(DAY1, 13), "no_answer", at(DAY1, 13, 5))
    work(sessions, worker, b, at(DAY1, 16), "contacted", at(DAY1, 18))
    work(sessions, worker, c, at(DAY2, 8, 30), "closed", at(DAY2, 9), closed_reason="duplicate")
    work(sessions, worker, e, datetime.now(timezone.utc))
    work(sessions, worker, g, at(DAY2, 14, 10), "contacted", at(DAY2, 14, 30))
    work(sessions, worker, old, at(DAY1, 9), "contacted", at(DAY1, 10))
    return sessions


def count(sessions, day, metric, key="", times=1):
    for _ in range(times):
        counts.increment(sessions, metric, key, day=day)


def test_the_numbers_of_two_days(worked_queue):
    sessions = worked_queue
    count(sessions, DAY1, "conversation", times=5)
    count(sessions, DAY2, "conversation", times=3)
    count(sessions, DAY1, "answered_conversation", times=2)
    count(sessions, DAY1, "answer", "prrt", times=3)
    count(sessions, DAY2, "answer", "surgery")
    count(sessions, DAY2, "answer", "prrt")
    count(sessions, DAY2, "miss", "fallback")
    count(sessions, DAY2, "miss", "out_of_scope")
    count(sessions, DAY2, "emergency")
    count(sessions, DAY2 + timedelta(days=1), "conversation", times=50)  # outside

    numbers = report(sessions, DAY1, DAY2)
    assert [
        (r.day, r.conversations, r.answered, r.answers, r.misses, r.emergencies, r.requests)
        for r in numbers.days
    ] == [(DAY1, 5, 2, 3, 0, 0, 2), (DAY2, 3, 0, 2, 2, 1, 4)]
    assert numbers.answered_share == 2 / 8
    assert numbers.fallback_rate == 2 / 7  # of the 5 answers and 2 misses
    assert numbers.topics == [("prrt", 4), ("surgery", 1)]
    assert numbers.misses_by_kind == [("fallback", 1), ("out_of_scope", 1)]
    queue_ = numbers.queue
    assert (queue_.requests, queue_.claimed, queue_.contacted) == (6, 5, 3)
    assert queue_.by_status == [("contacted", 3), ("claimed", 1), ("closed", 1), ("new", 1)]
    assert queue_.closed_by_reason == [("duplicate", 1)]
    # Waits of 2 h, 6 h (the unanswered call before is no contact) and 30 min.
    assert queue_.median_first_contact == timedelta(hours=2)
    assert queue_.median_first_contact_text == "2 h 0 min"
    assert [bar.label for bar in numbers.requests_chart.bars] == ["2026-11-02: 2", "2026-11-03: 4"]
    assert not numbers.empty


def test_days_without_anything_are_empty_not_an_error(sessions):
    numbers = report(sessions, DAY1, DAY2)
    assert numbers.empty
    assert numbers.answered_share is None and numbers.fallback_rate is None
    assert numbers.queue.median_first_contact is None and numbers.topics == []
    assert [r.conversations for r in numbers.days] == [0, 0]


TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (None, None, (date(2026, 11, 2), TODAY)),
        ("", "", (date(2026, 11, 2), TODAY)),
        ("2026-01-01", None, (date(2026, 1, 1), date(2026, 1, 30))),
        (None, "2026-01-30", (date(2026, 1, 1), date(2026, 1, 30))),
        (" 2026-03-01 ", "2026-03-01", (date(2026, 3, 1), date(2026, 3, 1))),
        ("2024-01-01", "2024-12-31", (date(2024, 1, 1), date(2024, 12, 31))),  # 366 days
    ],
)
def test_the_range_of_days(start, end, expected):
    assert parse_range(start, end, now=TODAY) == expected


@pytest.mark.parametrize(
    "start, end, reason",
    [
        ("yesterday", None, "The start date 'yesterday' is not a date like 2026-11-30."),
        ("2026-02-30", None, "The start date '2026-02-30' is not a date like 2026-11-30."),
        (None, "<script>x</script>", "The end date '<script>x</script>' is not a date"),
        ("2026-01-01\x00\x1b", None, "The start date '2026-01-01' is not a date"),
        ("9" * 5000, None, f"The start date '{'9' * 20}' is not a date"),
        ("2026-11-30", "2026-11-01", "The start (2026-11-30) is after the end (2026-11-01)."),
        ("2023-01-01", "2024-12-31", "Choose at most 366 days; this range has 731."),
        ("9999-12-31", None, "The start date '9999-12-31' is not between 2000-01-01 and"),
        (None, "0001-01-01", "The end date '0001-01-01' is not between 2000-01-01 and"),
    ],
)
def test_a_range_that_cannot_be_shown_says_why(start, end, reason):
    with pytest.raises(RangeError) as refused:
        parse_range(start, end, now=TODAY)
    assert str(refused.value).startswith(reason)


@pytest.mark.parametrize(
    "span, text",
    [
        (timedelta(minutes=12, seconds=40), "12 min"),
        (timedelta(hours=5, minutes=20), "5 h 20 min"),
        (timedelta(days=1, hours=3, minutes=59), "1 day 3 h"),
        (timedelta(days=2, hours=3), "2 days 3 h"),
    ],
)
def test_a_wait_in_words(span, text):
    assert duration_text(span) == text
