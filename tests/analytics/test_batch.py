"""Counts gathered in memory and handed on together: exact per day, metric and key, at most
every interval, at exit, and never raising; a batch that was not written kept, one that may
have been dropped; memory bounded; and the one format a batch travels in, checked whole."""

import json
import logging
import subprocess
import sys
import threading
from datetime import date, timedelta

import pytest

from bot.analytics import batch
from bot.analytics.batch import Batch, NotWritten
from bot.settings import ROOT

DAY = date(2026, 11, 30)
HOUR = 3600.0  # an interval no test waits for: its flushes are the ones it asks for


class Sink:
    """Takes batches as the action server or the database would, or fails as told."""

    def __init__(self) -> None:
        self.batches = []
        self.failures = []  # exceptions raised, one per call, before taking any
        self.called = threading.Event()

    def __call__(self, counts):
        if self.failures:
            raise self.failures.pop(0)
        self.batches.append(dict(counts))
        self.called.set()


@pytest.fixture
def sink():
    return Sink()


@pytest.fixture
def make(sink):
    """Batches into `sink`, an hour apart unless told, closed after the test."""
    made = []

    def make_batch(interval_s=HOUR):
        made.append(Batch(sink, interval_s))
        return made[-1]

    yield make_batch
    for counts in made:
        counts.close()


@pytest.fixture
def day(monkeypatch):
    """The day the batch takes as today (UTC), set by the test."""
    days = [DAY]
    monkeypatch.setattr(batch, "today", lambda: days[-1])
    return days


def test_a_burst_of_counts_is_one_exact_batch_per_flush(make, sink, day):
    counts = make()
    for _ in range(100):
        counts.count("answer", "prrt")
    counts.count("answered_conversation")
    counts.count("emergency")
    assert sink.batches == []  # nothing goes out per count
    counts.flush()
    counts.flush()  # nothing new: no call
    assert sink.batches == [
        {
            (DAY, "answer", "prrt"): 100,
            (DAY, "answered_conversation", ""): 1,
            (DAY, "emergency", ""): 1,
        }
    ]
    counts.close()


def test_each_count_keeps_the_day_it_happened_on_across_midnight(make, sink, day):
    counts = make()
    counts.count("answer", "prrt")
    day.append(DAY + timedelta(days=1))
    counts.count("answer", "prrt")
    counts.count("conversation")
    counts.close()
    assert sink.batches == [
        {
            (DAY, "answer", "prrt"): 1,
            (DAY + timedelta(days=1), "answer", "prrt"): 1,
            (DAY + timedelta(days=1), "conversation", ""): 1,
        }
    ]


def test_the_thread_flushes_by_itself_and_not_when_idle(make, sink, day):
    counts = make(0.05)
    counts.count("miss", "out_of_scope")
    assert sink.called.wait(10)
    sink.called.clear()
    assert not sink.called.wait(0.3)  # several intervals without counts: no empty batch
    counts.count("miss", "out_of_scope")
    assert sink.called.wait(10)
    counts.close()
    assert sink.batches == [{(DAY, "miss", "out_of_scope"): 1}] * 2


def test_a_batch_that_was_not_written_is_kept_for_the_next_flush(make, sink, day, caplog):
    counts = make()
    sink.failures.append(NotWritten())
    counts.count("answer", "prrt")
    counts.count("emergency")
    with caplog.at_level(logging.WARNING):
        counts.flush()
    counts.count("answer", "prrt")
    counts.flush()
    assert sink.batches == [{(DAY, "answer", "prrt"): 2, (DAY, "emergency", ""): 1}]
    assert [r.getMessage() for r in caplog.records] == [
        "analytics counts (answer, emergency) were not written, kept for the next try (NotWritten)"
    ]


def test_a_batch_that_may_have_been_written_is_dropped_and_logged_without_keys(
    make, sink, day, caplog
):
    counts = make()
    cause = ConnectionError("db.internal:5432 said something about prrt")
    sink.failures.append(TimeoutError("no answer"))
    counts.count("answer", "prrt")
    with caplog.at_level(logging.WARNING):
        counts.flush()
        sink.failures.append(NotWritten())
        sink.failures[-1].__cause__ = cause
        counts.count("answer", "surgery")
        counts.flush()
    counts.flush()
    assert sink.batches == [{(DAY, "answer", "surgery"): 1}]
    assert [r.getMessage() for r in caplog.records] == [
        "analytics counts (answer) were lost (TimeoutError)",
        "analytics counts (answer) were not written, kept for the next try (ConnectionError)",
    ]
    assert "prrt" not in caplog.text and "surgery" not in caplog.text


@pytest.mark.parametrize(
    "metric, key",
    [("whatever", ""), ("answer", "PRRT"), ("answer", "faq/prrt"), ("answer", None)],
)
def test_a_count_it_cannot_take_is_lost_and_logged_never_raised(
    make, sink, day, caplog, metric, key
):
    counts = make()
    with caplog.at_level(logging.WARNING):
        counts.count(metric, key)
    counts.count("answer", "prrt")
    counts.close()
    assert sink.batches == [{(DAY, "answer", "prrt"): 1}]
    assert caplog.records[0].getMessage() == f"an analytics count ({metric}) was lost (ValueError)"


def test_memory_stays_bounded_however_long_the_counts_are_kept(
    make, sink, day, monkeypatch, caplog
):
    monkeypatch.setattr(batch, "MAX_ENTRIES", 3)
    monkeypatch.setattr(batch, "MAX_N", 5)
    counts = make()
    for topic in ["a", "b", "c", "d"]:
        counts.count("answer", topic)
    for _ in range(6):
        counts.count("answer", "a")
    assert counts.pending() == 7  # a: 5, b: 1, c: 1; d and two more of a lost
    sink.failures.append(NotWritten())
    counts.flush()  # kept
    day.append(DAY + timedelta(days=1))
    counts.count("conversation")  # lost: the kept batch fills the bound
    counts.flush()
    assert sink.batches == [
        {(DAY, "answer", "a"): 5, (DAY, "answer", "b"): 1, (DAY, "answer", "c"): 1}
    ]
    lost = [r.getMessage() for r in caplog.records if "lost" in r.getMessage()]
    assert lost == ["an analytics count (answer) was lost (Full)"] * 3 + [
        "an analytics count (conversation) was lost (Full)"
    ]


def test_the_last_counts_go_out_when_the_process_exits(tmp_path):
    """A real interpreter that counts and ends normally, as a stopped server does."""
    written = tmp_path / "written.json"
    script = (
        "import json, sys\n"
        "from bot.analytics.batch import Batch\n"
        "def sink(counts):\n"
        "    rows = [[d.isoformat(), m, k, n] for (d, m, k), n in counts.items()]\n"
        f"    open({str(written)!r}, 'w').write(json.dumps(rows))\n"
        "counts = Batch(sink, 3600)\n"
        "for _ in range(3):\n"
        "    counts.count('answer', 'prrt')\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=60)
    assert json.loads(written.read_text()) == [[batch.today().isoformat(), "answer", "prrt", 3]]


# The format of /counts.


def test_a_batch_travels_as_json_and_back_unchanged():
    counts = {
        (DAY, "answer", "prrt"): 3,
        (DAY + timedelta(days=1), "answered_conversation", ""): 1,
    }
    assert batch.decoded(batch.encoded(counts)) == counts


def test_the_largest_batch_fits_the_body_limit():
    longest = {(date(2026, 12, 31), "answered_conversation", "x" * 64): batch.MAX_N}
    assert len(batch.encoded(longest)) - len(batch.encoded({})) < 160
    full = {
        (date(2026, 12, 31) - timedelta(days=i), "answered_conversation", "x" * 64): batch.MAX_N
        for i in range(batch.MAX_ENTRIES)
    }
    assert len(batch.encoded(full)) <= batch.MAX_BODY_BYTES


def test_the_same_entry_twice_is_added_up():
    twice = {"day": DAY.isoformat(), "metric": "emergency", "key": "", "n": 2}
    body = json.dumps({"counts": [twice, twice]}).encode()
    assert batch.decoded(body) == {(DAY, "emergency", ""): 4}


def entry(**changes):
    return {"day": DAY.isoformat(), "metric": "answer", "key": "prrt", "n": 1, **changes}


@pytest.mark.parametrize(
    "body, says",
    [
        (b"{not json", "the body is not JSON"),
        (b"", "the body is not JSON"),
        (b"\xff\xfe", "the body is not JSON"),
        ([entry()], "a batch is"),
        ({"counts": entry()}, "a batch is"),
        ({"counts": [], "more": 1}, "a batch is"),
        ({"counts": [entry()] * (batch.MAX_ENTRIES + 1)}, "at most 1000 counts"),
        ({"counts": [entry(), "answer"]}, "count 2: a count is"),
        ({"counts": [{"metric": "answer", "key": "prrt", "n": 1}]}, "count 1: a count is"),
        ({"counts": [entry(extra="<script>")]}, "count 1: a count is"),
        ({"counts": [entry(metric="nope")]}, "count 1: the metric is not one of"),
        ({"counts": [entry(metric=["answer"])]}, "the metric is not one of"),
        ({"counts": [entry(key="<b>prrt</b>")]}, "count 1: a key is up to 64"),
        ({"counts": [entry(key="prrt'; DROP TABLE daily_counts; --")]}, "a key is"),
        ({"counts": [entry(key="x" * 65)]}, "a key is"),
        ({"counts": [entry(key="pâncreas")]}, "a key is"),
        ({"counts": [entry(key=7)]}, "a key is"),
        ({"counts": [entry(day="2026-02-30")]}, "the day is not a date"),
        ({"counts": [entry(day="30.11.2026")]}, "the day is not a date"),
        ({"counts": [entry(day=20261130)]}, "the day is not a date"),
        ({"counts": [entry(day="9999-12-31")]}, "the day is in the future"),
        ({"counts": [entry(n=0)]}, "n is a whole number"),
        ({"counts": [entry(n=-5)]}, "n is a whole number"),
        ({"counts": [entry(n=1.5)]}, "n is a whole number"),
        ({"counts": [entry(n=True)]}, "n is a whole number"),
        ({"counts": [entry(n="1")]}, "n is a whole number"),
        ({"counts": [entry(n=batch.MAX_N + 1)]}, "n is a whole number"),
        ({"counts": [entry(n=batch.MAX_N), entry(n=1)]}, "at most 1000000"),
    ],
)
def test_anything_but_a_batch_of_counts_is_refused_with_what_is_wrong(body, says):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    with pytest.raises(ValueError) as refused:
        batch.decoded(raw)
    assert says in str(refused.value)
    assert "<" not in str(refused.value) and "DROP" not in str(refused.value)
