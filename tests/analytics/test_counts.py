"""The daily counts on SQLite and PostgreSQL: one row a day, metric and key, added to by an
UPSERT that concurrent writers cannot lose; nothing but known metrics and plain keys; a
failure costs the count, never the caller."""

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


def test_the_counter_counts_off_the_callers_thread(sqlite_sessions):
    counter = counts.Counter(lambda: sqlite_sessions)
    futures = [counter.count("answer", "prrt"), counter.count("miss", "fallback")]
    assert [future.result(timeout=30) for future in futures] == [True, True]
    today = counts.today()
    assert rows(sqlite_sessions) == [
        (today, "answer", "prrt", 1),
        (today, "miss", "fallback", 1),
    ]


def test_a_failing_database_loses_the_count_and_says_only_which(tmp_path, caplog):
    def unreachable():
        return session_factory(make_engine("postgresql+psycopg2://nobody@127.0.0.1:1/none"))

    counter = counts.Counter(unreachable)
    with caplog.at_level(logging.WARNING):
        assert counter.count("answer", "prrt").result(timeout=30) is False
        assert counter.count("nonsense").result(timeout=30) is False
    assert [r.getMessage() for r in caplog.records] == [
        "an analytics count (answer) was lost (OperationalError)",
        "an analytics count (nonsense) was lost (ValueError)",
    ]
