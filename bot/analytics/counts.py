"""Counting what happens in conversations, one row per day, metric and key, as it happens.

Transcripts hold health information and live in a store of their own (memory locally,
PostgreSQL in production), so the numbers are never mined from them: the action server adds
one to a count at the moment (a session started, a miss) and takes the Rasa server's counts
(a FAQ answer, an emergency takeover: bot/chat/nlg.py) on its /counts endpoint
(bot/action_server.py), since the Rasa server has no way into the leads database.

Every replica counts into the same rows with one UPSERT (`count = count + 1`), atomic on
SQLite and PostgreSQL alike. Counting runs on a worker thread (`Counter`): the visitor's answer
never waits for the database, and a failure loses one count, logged by metric and error type.
The table stays small without a retention job: a day has a row per metric without a key, per
FAQ topic answered (the trained model's topics) and per kind of miss, a few dozen rows.
"""

from __future__ import annotations

import logging
import re
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from functools import lru_cache
from typing import Callable, Dict, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import sessionmaker

from bot.db.engine import make_engine, session_factory
from bot.db.models import METRICS, DailyCount, utcnow

logger = logging.getLogger(__name__)

# A topic or a kind of miss as the model and the actions name them; nothing a visitor typed.
KEY = re.compile(r"[a-z0-9_]{0,64}")
_INSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def today() -> date:
    return utcnow().date()


def checked(metric: str, key: str = "") -> Tuple[str, str]:
    """The metric and key as stored; ValueError for anything else (the /counts endpoint's
    answer to a call it cannot take)."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric: {metric!r}")
    if not isinstance(key, str) or not KEY.fullmatch(key):
        raise ValueError("a key is up to 64 lower-case letters, digits and underscores")
    return metric, key


def increment(
    sessions: sessionmaker, metric: str, key: str = "", day: Optional[date] = None
) -> None:
    metric, key = checked(metric, key)
    with sessions.begin() as session:
        insert = _INSERTS[session.get_bind().dialect.name]
        statement = insert(DailyCount).values(day=day or today(), metric=metric, key=key, count=1)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["day", "metric", "key"],
                set_={"count": DailyCount.count + statement.excluded.count},
            )
        )


def counts(sessions: sessionmaker, first: date, last: date) -> Dict[Tuple[date, str, str], int]:
    """Every count of the days from `first` to `last`, by (day, metric, key)."""
    query = select(DailyCount).where(DailyCount.day >= first, DailyCount.day <= last)
    with sessions() as session:
        return {(r.day, r.metric, r.key): r.count for r in session.execute(query).scalars()}


class Counter:
    """Counts on one worker thread, off the visitor's answer."""

    def __init__(self, sessions: Callable[[], sessionmaker]) -> None:
        self._sessions = sessions
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="analytics")

    def count(self, metric: str, key: str = "") -> Future:
        """The future is True once counted, False when the count was lost. The day is the
        one it happened on, however long the count waits for the database."""
        return self._executor.submit(self._increment, metric, key, today())

    def wait(self, timeout: float = 60.0) -> None:
        """Until every count submitted so far is written or lost (tests): the one worker
        takes them in order."""
        self._executor.submit(lambda: None).result(timeout=timeout)

    def _increment(self, metric: str, key: str, day: date) -> bool:
        try:
            increment(self._sessions(), metric, key, day)
            return True
        except Exception as error:  # a lost count must never reach the visitor
            logger.warning("an analytics count (%s) was lost (%s)", metric, type(error).__name__)
            return False


@lru_cache(maxsize=1)
def _sessions() -> sessionmaker:
    """One engine per action-server process, created at the first count."""
    return session_factory(make_engine())


@lru_cache(maxsize=1)
def counter() -> Counter:
    return Counter(_sessions)
