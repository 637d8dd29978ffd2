"""The analytics page's numbers for a range of days: conversations, answers, misses and
emergencies from the daily counts (bot/analytics/counts.py), callback requests and their way
through the queue from the leads (bot/leads/queue.py `worked`).

Requests a visitor had deleted, and requests closed longer ago than CLOSED_LEAD_RETENTION_DAYS,
are gone from the leads, so they are missing here too.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from statistics import median
from typing import Dict, List, Optional, Tuple

from sqlalchemy.orm import sessionmaker

from bot.analytics.charts import BarChart, bar_chart
from bot.analytics.counts import counts, today
from bot.leads.queue import Worked, worked

DEFAULT_DAYS = 30
MAX_DAYS = 366  # a year and a leap day: one bar a day stays readable
TOP_TOPICS = 10
EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)


class RangeError(ValueError):
    """A range of days the page cannot show, said so that an admin can fix it."""


def parse_range(
    start: Optional[str], end: Optional[str], now: Optional[date] = None
) -> Tuple[date, date]:
    """The days from `start` to `end` (YYYY-MM-DD, both included); the last DEFAULT_DAYS
    days up to today when neither is given."""
    last_day = now or today()
    first = _day(start, "start") if start else None
    last = _day(end, "end") if end else None
    last = last or (first + timedelta(days=DEFAULT_DAYS - 1) if first else last_day)
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise RangeError(f"The start ({first}) is after the end ({last}).")
    days = (last - first).days + 1
    if days > MAX_DAYS:
        raise RangeError(f"Choose at most {MAX_DAYS} days; this range has {days}.")
    return first, last


def _day(value: str, which: str) -> date:
    shown = "".join(ch for ch in value[:20] if ch.isprintable())
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise RangeError(f"The {which} date {shown!r} is not a date like 2026-11-30.") from None
    if not EARLIEST <= day <= LATEST:  # and the range's arithmetic stays within dates
        raise RangeError(f"The {which} date {shown!r} is not between {EARLIEST} and {LATEST}.")
    return day


@dataclass(frozen=True)
class DayRow:
    day: date
    conversations: int
    answered: int  # conversations that got at least one FAQ answer
    answers: int
    misses: int
    emergencies: int
    requests: int


@dataclass(frozen=True)
class Queue:
    requests: int
    claimed: int
    contacted: int
    by_status: List[Tuple[str, int]]
    closed_by_reason: List[Tuple[str, int]]
    median_first_contact: Optional[timedelta]

    @property
    def median_first_contact_text(self) -> str:
        return duration_text(self.median_first_contact) if self.median_first_contact else ""


@dataclass(frozen=True)
class Report:
    first: date
    last: date
    days: List[DayRow]
    topics: List[Tuple[str, int]]
    misses_by_kind: List[Tuple[str, int]]
    queue: Queue
    conversations_chart: BarChart
    requests_chart: BarChart

    def total(self, field: str) -> int:
        return sum(getattr(row, field) for row in self.days)

    @property
    def empty(self) -> bool:
        return not any(
            row.conversations or row.answers or row.misses or row.emergencies or row.requests
            for row in self.days
        )

    @property
    def answered_share(self) -> Optional[float]:
        return _share(self.total("answered"), self.total("conversations"))

    @property
    def fallback_rate(self) -> Optional[float]:
        """Of the questions the assistant took up, the share it could not answer."""
        misses = self.total("misses")
        return _share(misses, misses + self.total("answers"))


def duration_text(span: timedelta) -> str:
    """ "2 days 3 h", "5 h 20 min", "12 min": as precise as a wait for a call needs."""
    minutes = max(int(span.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} day{'s' if days > 1 else ''} {hours} h"
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def _share(part: int, whole: int) -> Optional[float]:
    return part / whole if whole else None


def report(sessions: sessionmaker, first: date, last: date) -> Report:
    counted = counts(sessions, first, last)
    start = datetime.combine(first, time.min, tzinfo=timezone.utc)
    leads = worked(sessions, start, start + timedelta(days=(last - first).days + 1))
    requests = Counter(lead.created_at.date() for lead in leads)
    per_day: Counter = Counter()
    for (day, metric, _), n in counted.items():
        per_day[day, metric] += n
    days = [
        DayRow(
            day=day,
            conversations=per_day[day, "conversation"],
            answered=per_day[day, "answered_conversation"],
            answers=per_day[day, "answer"],
            misses=per_day[day, "miss"],
            emergencies=per_day[day, "emergency"],
            requests=requests[day],
        )
        for day in (first + timedelta(days=i) for i in range((last - first).days + 1))
    ]
    return Report(
        first=first,
        last=last,
        days=days,
        topics=_by_key(counted, "answer")[:TOP_TOPICS],
        misses_by_kind=_by_key(counted, "miss"),
        queue=_queue(leads),
        conversations_chart=bar_chart("Conversations", [(r.day, r.conversations) for r in days]),
        requests_chart=bar_chart("Callback requests", [(r.day, r.requests) for r in days]),
    )


def _by_key(counted: Dict[Tuple[date, str, str], int], metric: str) -> List[Tuple[str, int]]:
    totals: Counter = Counter()
    for (_, m, key), n in counted.items():
        if m == metric:
            totals[key] += n
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def _queue(leads: List[Worked]) -> Queue:
    waits = [
        (lead.first_contact_at - lead.created_at).total_seconds()
        for lead in leads
        if lead.first_contact_at is not None
    ]
    statuses = Counter(lead.status for lead in leads)
    reasons = Counter(lead.closed_reason or "" for lead in leads if lead.status == "closed")
    return Queue(
        requests=len(leads),
        claimed=sum(1 for lead in leads if lead.claimed),
        contacted=len(waits),
        by_status=sorted(statuses.items(), key=lambda item: (-item[1], item[0])),
        closed_by_reason=sorted(reasons.items(), key=lambda item: (-item[1], item[0])),
        median_first_contact=timedelta(seconds=median(waits)) if waits else None,
    )
