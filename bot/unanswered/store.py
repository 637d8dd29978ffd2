"""Keeping the misses: scrubbed before they are stored, read back for the content team, marked
once they became a training example, and deleted after the retention time.

Every way in scrubs and cleans the text here, so no caller can store a message as typed.
Recording runs on a worker thread (`Recorder`): the visitor's answer never waits for the
scrubber (spaCy's first load takes seconds) or the database, and a failure costs one miss,
never the answer. Its log says only that a miss was lost and the error's type: the message
and its personal data stay out of the logs.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, List, Optional, Set

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import MISS_KINDS, Unanswered, utcnow
from bot.unanswered.scrub import clean, scrub

logger = logging.getLogger(__name__)

GUESS_CHARS = 80
# A day's misses kept at most: one visitor's script must not fill the table (the chat's flood
# caps allow 120 messages a minute from one address). Far above a day of real misses.
MAX_PER_DAY = 2000


@dataclass(frozen=True)
class Entry:
    id: int
    day: date
    kind: str
    text: str
    guess: Optional[str]
    confidence: Optional[float]
    handled_as: Optional[str]


def today() -> date:
    return utcnow().date()


def record(
    sessions: sessionmaker,
    text: str,
    kind: str,
    guess: Optional[str] = None,
    confidence: Optional[float] = None,
    day: Optional[date] = None,
    max_per_day: int = MAX_PER_DAY,
) -> Optional[int]:
    """Store one miss, scrubbed; None when nothing is left to store (an empty message) or the
    day already has `max_per_day`."""
    with sessions.begin() as session:
        return add(session, text, kind, guess, confidence, day, max_per_day)


def add(
    session: Session,
    text: str,
    kind: str,
    guess: Optional[str] = None,
    confidence: Optional[float] = None,
    day: Optional[date] = None,
    max_per_day: Optional[int] = MAX_PER_DAY,
) -> Optional[int]:
    """`record` in the caller's transaction, for a miss that must be stored together with
    something else or not at all (a staff member's correction and its audit entry).
    `max_per_day` None: no cap, for what staff record deliberately."""
    if kind not in MISS_KINDS:
        raise ValueError(f"unknown kind of miss: {kind!r}")
    scrubbed = scrub(text)
    if not scrubbed:
        return None
    guess = clean(guess or "")[:GUESS_CHARS] or None
    if confidence is not None:
        confidence = round(min(max(float(confidence), 0.0), 1.0), 3)
    row = Unanswered(
        day=day or today(), kind=kind, text=scrubbed, guess=guess, confidence=confidence
    )
    counted = select(func.count()).select_from(Unanswered).where(Unanswered.day == row.day)
    if max_per_day is not None and session.execute(counted).scalar_one() >= max_per_day:
        return None
    session.add(row)
    session.flush()
    return int(row.id)


def _entry(row: Unanswered) -> Entry:
    return Entry(row.id, row.day, row.kind, row.text, row.guess, row.confidence, row.handled_as)


def open_entries(
    sessions: sessionmaker, days: Optional[float] = None, day: Optional[date] = None
) -> List[Entry]:
    """The misses not yet handled, of the last `days` days (all without it), newest first."""
    query = select(Unanswered).where(Unanswered.handled_as.is_(None))
    if days is not None:
        query = query.where(Unanswered.day > (day or today()) - timedelta(days=days))
    with sessions() as session:
        rows = session.execute(query.order_by(Unanswered.day.desc(), Unanswered.id.desc()))
        return [_entry(row) for row in rows.scalars()]


def find(sessions: sessionmaker, entry_id: int) -> Optional[Entry]:
    with sessions() as session:
        row = session.get(Unanswered, entry_id)
        return _entry(row) if row is not None else None


def mark_handled(sessions: sessionmaker, entry_id: int, label: str) -> bool:
    """Whether this call marked it (False: unknown, or someone handled it already)."""
    with sessions.begin() as session:
        result = session.execute(
            update(Unanswered)
            .where(Unanswered.id == entry_id, Unanswered.handled_as.is_(None))
            .values(handled_as=label[:GUESS_CHARS])
        )
        return bool(result.rowcount)


def delete_older_than(sessions: sessionmaker, days: float, day: Optional[date] = None) -> int:
    """Retention: every miss recorded more than `days` days ago, handled or not."""
    cutoff = (day or today()) - timedelta(days=days)
    with sessions.begin() as session:
        return int(session.execute(delete(Unanswered).where(Unanswered.day < cutoff)).rowcount)


class Recorder:
    """Records misses on one worker thread, off the visitor's answer."""

    def __init__(self, sessions: Callable[[], sessionmaker]) -> None:
        self._sessions = sessions
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="unanswered")
        self._pending: Set[Future] = set()
        self._lock = threading.Lock()

    def submit(
        self, text: str, kind: str, guess: Optional[str] = None, confidence: Optional[float] = None
    ) -> Future:
        future = self._executor.submit(self._record, text, kind, guess, confidence)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)
        return future

    def _done(self, future: Future) -> None:
        with self._lock:
            self._pending.discard(future)

    def _record(
        self, text: str, kind: str, guess: Optional[str], confidence: Optional[float]
    ) -> Optional[int]:
        try:
            return record(self._sessions(), text, kind, guess, confidence)
        except Exception as error:  # one lost miss must not reach the visitor
            logger.warning("a %s miss was not recorded (%s)", kind, type(error).__name__)
            return None

    def wait(self, timeout: float = 60.0) -> None:
        """Until every miss submitted so far is stored or given up (tests, shutdown)."""
        with self._lock:
            pending = list(self._pending)
        for future in pending:
            future.result(timeout=timeout)
