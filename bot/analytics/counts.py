"""Counting what happens in conversations, one row per day, metric and key.

Transcripts hold health information and live in a store of their own (memory locally,
PostgreSQL in production), so the numbers are never mined from them: the action server counts
at the moment (a session started, a miss) and takes the Rasa server's counts (a FAQ answer,
an emergency takeover: bot/chat/nlg.py) on its /counts endpoint (bot/action_server.py), since
the Rasa server has no way into the leads database.

Both gather counts in a batch (bot/analytics/batch.py) and write it as one transaction of
UPSERTs (`count = count + n`), atomic on SQLite and PostgreSQL alike, so replicas cannot lose
each other's counts, and in one order, so two replicas writing the same rows cannot deadlock.
The visitor's answer never waits for the database. The table stays small without a retention
job: a day has a row per metric without a key, per FAQ topic answered (the trained model's
topics) and per kind of miss, a few dozen rows.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Callable, Dict, Mapping, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from bot.analytics.batch import Batch, Entry, NotWritten, checked, today
from bot.db.engine import make_engine, session_factory
from bot.db.models import DailyCount
from bot.settings import get_settings

_INSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def write(sessions: sessionmaker, batch: Mapping[Entry, int]) -> None:
    """All of `batch` in one transaction, or none of it."""
    if not batch:
        return
    rows = [
        {"day": day, "metric": metric, "key": key, "count": n}
        for (day, metric, key), n in sorted(batch.items())  # the same row order everywhere
    ]
    with sessions.begin() as session:
        insert = _INSERTS[session.get_bind().dialect.name](DailyCount)
        session.execute(
            insert.on_conflict_do_update(
                index_elements=["day", "metric", "key"],
                set_={"count": DailyCount.count + insert.excluded.count},
            ),
            rows,
        )


def increment(
    sessions: sessionmaker, metric: str, key: str = "", day: Optional[date] = None
) -> None:
    """One count written at once, outside any batch (a test's or a script's day of data)."""
    write(sessions, {(day or today(), *checked(metric, key)): 1})


def counts(sessions: sessionmaker, first: date, last: date) -> Dict[Tuple[date, str, str], int]:
    """Every count of the days from `first` to `last`, by (day, metric, key)."""
    query = select(DailyCount).where(DailyCount.day >= first, DailyCount.day <= last)
    with sessions() as session:
        return {(r.day, r.metric, r.key): r.count for r in session.execute(query).scalars()}


class Writer:
    """A batch's way into the database (the sink of `counter()` and of /counts)."""

    def __init__(self, sessions: Callable[[], sessionmaker]) -> None:
        self._sessions = sessions

    def __call__(self, batch: Mapping[Entry, int]) -> None:
        try:
            write(self._sessions(), batch)
        except OperationalError as error:
            # Unreachable, locked, a deadlock: the transaction was rolled back.
            raise NotWritten() from error


@lru_cache(maxsize=1)
def _sessions() -> sessionmaker:
    """One engine per action-server process, created at the first write."""
    return session_factory(make_engine())


@lru_cache(maxsize=1)
def writer() -> Writer:
    return Writer(_sessions)


@lru_cache(maxsize=1)
def counter() -> Batch:
    """The action server's own counts (actions/): a session started, a miss."""
    return Batch(writer(), get_settings().analytics_flush_s)
