"""The daily counts on SQLite and PostgreSQL: one row a day, metric and key, added to by
batches of UPSERTs, each all or nothing, that concurrent writers can neither lose nor
deadlock; nothing but known metrics and plain keys; a database that cannot be reached keeps
the batch for later, never failing the caller."""

import logging
import threading
from datetime import date

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from bot.analytics import counts
from bot.db.engine import make_engine, session_factory
from bot.db.models import DailyCount

DAY = date(2026, 11, 20)


def rows(sessions):
    with sessions() as session:
        query = select(DailyCount).order_by(DailyCount.day, DailyCount.metric, DailyCount.key)
        return [(r.day, r.metric, r.key, r.count) for r in session.execute(query).scalars()]


def test_counts_add_up_per_day_metric_and_key(sessions):
    for _ in range(3):
        counts.increment(sessions, "answer", "prrt", day=DAY)
    counts.increment(sessions, "answer", "surgery", day=DAY)
    counts.increment(sessions, "conversation", day=DAY)
    counts.increment(sessions, "conversation", day=date(2026, 11, 21))
    assert rows(sessions) == [
        (DAY, "answer", "prrt", 3),
        (DAY, "answer", "surgery", 1),
        (DAY, "conversation", "", 1),
        (date(2026, 11, 21), "conversation", "", 1),
    ]
    assert counts.counts(sessions, DAY, DAY) == {
        (DAY, "answer", "prrt"): 3,
        (DAY, "answer", "surgery"): 1,
        (DAY, "conversation", ""): 1,
    }
    columns = {c["name"] for c in inspect(sessions.kw["bind"]).get_columns("daily_counts")}
    assert columns == {"day", "metric", "key", "count"}  # nothing that leads to a visitor


def test_concurrent_counts_on_separate_connections_are_all_kept(database_url):
    """Several replicas count into the same row at once: every one of them lands."""
    from bot.db import migrate

    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    sessions = session_factory(engine)
    start = threading.Barrier(4)

    def count_many() -> None:
        start.wait()
        for _ in range(25):
            counts.increment(sessions, "emergency", day=DAY)

    workers = [threading.Thread(target=count_many) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert rows(sessions) == [(DAY, "emergency", "", 100)]
    engine.dispose()


@pytest.mark.parametrize(
    "metric, key",
    [
        ("whatever", ""),
        ("answer", "PRRT"),
        ("answer", "prrt'; DROP TABLE daily_counts; --"),
        ("answer", "faq/prrt"),
        ("answer", "x" * 65),
        ("answer", "prrt\n"),
        ("answer", "pâncreas"),
        ("answer", None),
    ],
)
def test_only_known_metrics_and_plain_keys_are_counted(sqlite_sessions, metric, key):
    with pytest.raises(ValueError):
        counts.increment(sqlite_sessions, metric, key)
    assert rows(sqlite_sessions) == []


def test_the_database_refuses_an_unknown_metric_too(sessions):
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.execute(
            text("INSERT INTO daily_counts (day, metric, key, count) VALUES (:d, 'x', '', 1)"),
            {"d": DAY},
        )


def test_a_batch_is_added_to_the_rows_in_one_transaction(sessions):
    counts.increment(sessions, "answer", "prrt", day=DAY)
    later = date(2026, 11, 21)
    counts.write(
        sessions,
        {(DAY, "answer", "prrt"): 40, (later, "answer", "prrt"): 2, (later, "emergency", ""): 1},
    )
    assert rows(sessions) == [
        (DAY, "answer", "prrt", 41),
        (later, "answer", "prrt", 2),
        (later, "emergency", "", 1),
    ]


def test_a_batch_the_database_refuses_leaves_nothing_written(sessions):
    """Past the checks (bot/analytics/batch.py): the database's own constraint refuses the
    last row, and the rows before it are rolled back with it."""
    with pytest.raises(IntegrityError):
        counts.write(sessions, {(DAY, "answer", "prrt"): 1, (DAY, "zzz", ""): 1})
    assert rows(sessions) == []


def test_concurrent_batches_of_the_same_rows_neither_deadlock_nor_lose(database_url):
    """Replicas flushing batches of the same rows at once, each built in its own order:
    written in one order, they wait for each other instead of deadlocking."""
    from bot.db import migrate

    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    sessions = session_factory(engine)
    entries = [(DAY, "answer", f"topic_{i}") for i in range(20)]
    start = threading.Barrier(4)
    failures = []

    def flush_many(order) -> None:
        start.wait()
        for _ in range(10):
            try:
                counts.write(sessions, {entry: 1 for entry in order})
            except Exception as error:  # a deadlock, with the rows in the order given
                failures.append(error)

    workers = [
        threading.Thread(target=flush_many, args=(entries[::step],)) for step in (1, -1, 1, -1)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    assert rows(sessions) == sorted((DAY, "answer", f"topic_{i}", 40) for i in range(20))
    engine.dispose()


def test_the_action_servers_counts_reach_the_database_in_one_batch(sqlite_sessions):
    counter = counts.Batch(counts.Writer(lambda: sqlite_sessions), 3600)
    for _ in range(3):
        counter.count("conversation")
    counter.count("miss", "fallback")
    assert rows(sqlite_sessions) == []  # nothing written per count
    counter.close()
    today = counts.today()
    assert rows(sqlite_sessions) == [(today, "conversation", "", 3), (today, "miss", "fallback", 1)]


def test_a_database_that_cannot_be_reached_keeps_the_batch(sqlite_sessions, caplog):
    """Rolled back, so nothing of it was written: kept, and written once the database is
    back; the log says which metrics and what went wrong, nothing else."""
    reachable = [False]

    def sessions():
        if reachable[0]:
            return sqlite_sessions
        return session_factory(make_engine("postgresql+psycopg2://nobody@127.0.0.1:1/none"))

    counter = counts.Batch(counts.Writer(sessions), 3600)
    counter.count("answer", "prrt")
    with caplog.at_level(logging.WARNING):
        counter.flush()
    assert [r.getMessage() for r in caplog.records] == [
        "analytics counts (answer) were not written, kept for the next try (OperationalError)"
    ]
    reachable[0] = True
    counter.count("answer", "prrt")
    counter.close()
    assert rows(sqlite_sessions) == [(counts.today(), "answer", "prrt", 2)]
