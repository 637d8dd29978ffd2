"""Storing misses on SQLite and PostgreSQL: scrubbed, the minimum, odd input kept as text,
read back, marked handled once, deleted by retention; recorded off the visitor's answer."""

import logging
from datetime import date, timedelta

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from bot.db.models import Unanswered
from bot.unanswered import store
from bot.unanswered.scrub import MAX_CHARS

DAY = date(2026, 11, 20)


def rows(sessions):
    with sessions() as session:
        return list(session.execute(select(Unanswered).order_by(Unanswered.id)).scalars())


def test_a_miss_is_stored_scrubbed_with_only_what_the_content_team_needs(sessions):
    entry_id = store.record(
        sessions,
        "my name is maria lopez, call 617-555-0142 about lutathera for my mom",
        "unsure_topic",
        guess="faq/prrt",
        confidence=0.1234,
        day=DAY,
    )
    [row] = rows(sessions)
    assert row.id == entry_id
    assert row.text == "my name is [name], call [phone] about lutathera for my mom"
    assert (row.kind, row.guess, row.confidence, row.day, row.handled_as) == (
        "unsure_topic",
        "faq/prrt",
        0.123,
        DAY,
        None,
    )
    columns = {c["name"] for c in inspect(sessions.kw["bind"]).get_columns("unanswered")}
    assert columns == {"id", "day", "kind", "text", "guess", "confidence", "handled_as"}


def test_an_unknown_kind_is_refused_here_and_by_the_database(sessions):
    with pytest.raises(ValueError):
        store.record(sessions, "what is prrt", "whatever")
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.execute(
            text("INSERT INTO unanswered (day, kind, text) VALUES (:d, 'whatever', 'x')"),
            {"d": DAY},
        )


@pytest.mark.parametrize("empty", ["", "   ", "\x00\x07\n"])
def test_an_empty_message_stores_nothing(sqlite_sessions, empty):
    assert store.record(sqlite_sessions, empty, "fallback") is None
    assert rows(sqlite_sessions) == []


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("'; DROP TABLE unanswered; --", "'; DROP TABLE unanswered; --"),
        ("<img src=x onerror=alert(1)> prrt?", "<img src=x onerror=alert(1)> prrt?"),
        ("what\x1b[2J is\x00 prrt\u202e", "what [2J is prrt"),
        ("¿qué es el páncreas? 😟 神经内分泌", "¿qué es el páncreas? 😟 神经内分泌"),
        ("Robert'); DELETE FROM leads;--", "Robert'); DELETE FROM leads;--"),
    ],
)
def test_odd_input_is_stored_as_plain_text(sessions, typed, kept):
    store.record(sessions, typed, "fallback", guess="<b>faq/x</b>\x07", day=DAY)
    [row] = rows(sessions)
    assert (row.text, row.guess) == (kept, "<b>faq/x</b>")


def test_a_huge_message_is_cut_to_the_column(sessions):
    store.record(sessions, "octreotide " * 5_000, "out_of_scope", guess="g" * 500)
    [row] = rows(sessions)
    assert len(row.text) <= MAX_CHARS and len(row.guess) == store.GUESS_CHARS


def test_the_open_list_is_newest_first_within_the_days_asked(sessions):
    old = store.record(sessions, "old question about nets", "fallback", day=DAY - timedelta(9))
    new = store.record(sessions, "new question about nets", "fallback", day=DAY)
    done = store.record(sessions, "answered question", "fallback", day=DAY)
    assert store.mark_handled(sessions, done, "faq/prrt")
    assert [e.id for e in store.open_entries(sessions, day=DAY)] == [new, old]
    assert [e.id for e in store.open_entries(sessions, days=7, day=DAY)] == [new]


def test_an_entry_is_marked_handled_once(sessions):
    entry_id = store.record(sessions, "is prrt painful", "unsure_topic", day=DAY)
    assert store.mark_handled(sessions, entry_id, "faq/prrt")
    assert not store.mark_handled(sessions, entry_id, "faq/surgery")
    assert not store.mark_handled(sessions, 9999, "faq/prrt")
    assert store.find(sessions, entry_id).handled_as == "faq/prrt"


def test_retention_deletes_misses_older_than_allowed(sessions):
    store.record(sessions, "very old question", "fallback", day=DAY - timedelta(days=200))
    kept = store.record(sessions, "recent question", "fallback", day=DAY - timedelta(days=10))
    assert store.delete_older_than(sessions, 180, day=DAY) == 1
    assert [row.id for row in rows(sessions)] == [kept]


def test_the_recorder_stores_off_the_caller_and_logs_no_message(sqlite_sessions, caplog):
    recorder = store.Recorder(lambda: sqlite_sessions)
    assert recorder.submit("my name is Ana Ruiz, what is prrt", "fallback").result(30)
    [row] = rows(sqlite_sessions)
    assert row.text == "my name is [name], what is prrt"

    def broken():
        raise RuntimeError("database down, Ana Ruiz")

    failing = store.Recorder(broken)
    with caplog.at_level(logging.DEBUG):
        assert failing.submit("my name is Ana Ruiz", "fallback").result(30) is None
        failing.wait()
    assert "not recorded" in caplog.text and "Ana" not in caplog.text


def test_a_day_keeps_at_most_its_cap(sqlite_sessions):
    def add(typed, day):
        return store.record(sqlite_sessions, typed, "fallback", day=day, max_per_day=2)

    assert add("question 0", DAY) and add("question 1", DAY)
    assert add("question 2", DAY) is None
    assert add("next day", DAY + timedelta(days=1))
    assert [row.text for row in rows(sqlite_sessions)] == ["question 0", "question 1", "next day"]
