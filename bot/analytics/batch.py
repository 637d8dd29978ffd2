"""Counts gathered in memory and handed on together: the one mechanism of both processes that
count, the action server (bot/analytics/counts.py, into the database) and the Rasa server
(bot/chat/counts.py, to the action server's /counts), and the one format a batch travels in.

Why batches: the Rasa process's CPU per message is what limits throughput, and most messages
are FAQ answers; an HTTP request per answer there, and a database write per count on the
action server, cost more than the answer's own bookkeeping. A `Batch` adds a count to a
Counter keyed by (day, metric, key), the day being the one the count happened on (UTC), and a
thread of its own, running while counts are pending, hands the whole Counter to its sink at
most every ANALYTICS_FLUSH_S seconds: one request or one transaction however busy the process,
and nothing at all while it is idle.

What it costs: counts wait in memory. The last ones go out when the process exits normally
(`atexit`: a Sanic server stopped by SIGTERM or Ctrl-C returns from its run and exits), and
the action server also flushes as its server stops (bot/action_server.py), which covers its
worker processes (Sanic ends those without running `atexit`). A process that is killed
(SIGKILL, out of memory, a power cut), or a forked Rasa worker (SANIC_WORKERS above 1, not
the production setting) that is stopped, loses at most ANALYTICS_FLUSH_S seconds of counts:
acceptable for analytics, and nothing a visitor ever waits for or sees. The Rasa server's last
batch needs the action server still up: compose stops the Rasa server first (it depends on
the action server); `make run` stops everything at once, so there it may be lost.

A flush that fails never raises, and is logged by metric names and error type only. When the
sink says nothing was written (`NotWritten`: the action server could not be reached or its
database rolled the batch back) the counts stay for the next flush; otherwise (refused as
malformed, so retrying cannot help; no answer, so it may have been written and a retry could
count it twice) they are dropped. Memory stays bounded either way: a batch holds at most
MAX_ENTRIES entries of at most MAX_N each (a day has a few dozen entries: one per metric
without a key, per FAQ topic answered and per kind of miss), and a count beyond that is
lost and logged. The same bounds limit what /counts accepts, so a batch kept through an
outage is still one the action server takes.
"""

from __future__ import annotations

import atexit
import json
import logging
import re
import threading
from collections import Counter
from datetime import date, timedelta
from typing import Any, Callable, Mapping, Optional, Tuple

from bot.db.models import METRICS, utcnow

logger = logging.getLogger(__name__)

# A topic or a kind of miss as the model and the actions name them; nothing a visitor typed.
KEY = re.compile(r"[a-z0-9_]{0,64}")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_ENTRIES = 1000
MAX_N = 1_000_000  # far below the column's 2**31, even added to a busy day's row
# The longest entry's JSON is under 160 bytes (tests/analytics/test_batch.py checks it).
MAX_BODY_BYTES = MAX_ENTRIES * 160
CLOSE_TIMEOUT_S = 10.0

Entry = Tuple[date, str, str]  # (day, metric, key)
Sink = Callable[[Mapping[Entry, int]], None]


class NotWritten(Exception):
    """A sink's word that nothing of the batch was written, so it can be tried again."""


class Full(Exception):
    """A count that would take the batch past its bounds."""


def today() -> date:
    return utcnow().date()


def checked(metric: str, key: str = "") -> Tuple[str, str]:
    """The metric and key as stored; ValueError for anything else."""
    if metric not in METRICS:
        raise ValueError(f"the metric is not one of {', '.join(METRICS)}")
    if not isinstance(key, str) or not KEY.fullmatch(key):
        raise ValueError("a key is up to 64 lower-case letters, digits and underscores")
    return metric, key


def metrics(batch: Mapping[Entry, int]) -> str:
    """What a log line may say about a batch: its metrics, never a key or a number."""
    return ", ".join(sorted({metric for _, metric, _ in batch}))


class Batch:
    """Counts in memory, handed to `sink` on a thread of their own every `interval_s` seconds,
    on `flush()` (the action server's stop, tests) and at the process's exit."""

    def __init__(self, sink: Sink, interval_s: float) -> None:
        self._sink = sink
        self._interval_s = interval_s
        self._pending: Counter[Entry] = Counter()
        self._lock = threading.Lock()  # the pending counts
        self._flushing = threading.Lock()  # one flush at a time: a kept batch is back first
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def count(self, metric: str, key: str = "") -> None:
        """One more of `metric` today; never raises (a count it cannot take is logged)."""
        try:
            entry = (today(), *checked(metric, key))
            with self._lock:
                self._add(entry, 1)
                if self._thread is None:
                    self._start()
        except (ValueError, Full) as error:  # a lost count must never reach the visitor
            logger.warning("an analytics count (%s) was lost (%s)", metric, type(error).__name__)

    def pending(self) -> int:
        """How many counts wait (what a failed flush kept, for one)."""
        with self._lock:
            return sum(self._pending.values())

    def flush(self) -> None:
        """Hands what is pending to the sink now, in the caller's thread; never raises."""
        with self._flushing:
            with self._lock:
                batch, self._pending = self._pending, Counter()
            if not batch:
                return
            try:
                self._sink(batch)
            except NotWritten as error:
                self._keep(batch)
                cause = type(error.__cause__ or error).__name__
                logger.warning(
                    "analytics counts (%s) were not written, kept for the next try (%s)",
                    metrics(batch),
                    cause,
                )
            except Exception as error:  # a lost count must never reach the visitor
                logger.warning(
                    "analytics counts (%s) were lost (%s)", metrics(batch), type(error).__name__
                )

    def close(self) -> None:
        """The last counts out now and the thread stopped (the process ends); a later count
        starts it again."""
        with self._lock:
            thread, stop, self._thread = self._thread, self._stop, None
        if thread is not None:
            atexit.unregister(self.close)
            stop.set()
            thread.join(CLOSE_TIMEOUT_S)
        self.flush()

    def _start(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(self._stop,), name="analytics-counts", daemon=True
        )
        self._thread.start()
        atexit.register(self.close)

    def _run(self, stop: threading.Event) -> None:
        """Until nothing is pending: an idle process has no thread waking up, and a response
        generator Rasa replaced (a new model) leaves none behind."""
        while not stop.wait(self._interval_s):
            self.flush()
            with self._lock:
                if not self._pending and self._thread is threading.current_thread():
                    self._thread = None
                    atexit.unregister(self.close)
                    return

    def _add(self, entry: Entry, n: int) -> None:
        """Under the lock: `n` more of `entry`, within the bounds."""
        if entry not in self._pending and len(self._pending) >= MAX_ENTRIES:
            raise Full(f"a batch holds at most {MAX_ENTRIES} entries")
        if self._pending[entry] + n > MAX_N:
            raise Full(f"an entry holds at most {MAX_N}")
        self._pending[entry] += n

    def _keep(self, batch: Mapping[Entry, int]) -> None:
        """A batch that was not written back with the counts that came since, within bounds."""
        lost: Counter[Entry] = Counter()
        with self._lock:
            for entry, n in batch.items():
                try:
                    self._add(entry, n)
                except Full:
                    lost[entry] = n
        if lost:
            logger.warning("analytics counts (%s) were lost (Full)", metrics(lost))


def encoded(batch: Mapping[Entry, int]) -> bytes:
    """The body of a POST to the action server's /counts."""
    counts = [
        {"day": day.isoformat(), "metric": metric, "key": key, "n": n}
        for (day, metric, key), n in sorted(batch.items())
    ]
    return json.dumps({"counts": counts}, separators=(",", ":")).encode()


def decoded(body: bytes) -> Counter[Entry]:
    """A /counts body as a batch, all of it checked before anything is written; ValueError
    with what is wrong (never echoing the body) for anything else."""
    try:
        call: Any = json.loads(body)
    except ValueError:
        raise ValueError("the body is not JSON") from None
    if not isinstance(call, dict) or not isinstance(call.get("counts"), list) or len(call) != 1:
        raise ValueError('a batch is {"counts": [{"day", "metric", "key", "n"}, ...]}')
    if len(call["counts"]) > MAX_ENTRIES:
        raise ValueError(f"a batch holds at most {MAX_ENTRIES} counts")
    batch: Counter[Entry] = Counter()
    latest = today() + timedelta(days=1)  # a sender's clock a little ahead at midnight
    for number, count in enumerate(call["counts"], start=1):
        try:
            batch[_entry(count, latest)] += count["n"]
        except ValueError as error:
            raise ValueError(f"count {number}: {error}") from None
    if any(n > MAX_N for n in batch.values()):
        raise ValueError(f"an entry of a batch is at most {MAX_N}")
    return batch


def _entry(count: Any, latest: date) -> Entry:
    if not isinstance(count, dict) or set(count) != {"day", "metric", "key", "n"}:
        raise ValueError('a count is {"day", "metric", "key", "n"}')
    day = count["day"]
    if not isinstance(day, str) or not DAY.fullmatch(day):
        raise ValueError("the day is not a date (YYYY-MM-DD)")
    try:
        when = date.fromisoformat(day)
    except ValueError:  # 2026-02-30
        raise ValueError("the day is not a date (YYYY-MM-DD)") from None
    if when > latest:
        raise ValueError("the day is in the future")
    n = count["n"]
    if type(n) is not int or not 1 <= n <= MAX_N:
        raise ValueError(f"n is a whole number from 1 to {MAX_N}")
    return (when, *checked(count["metric"], count["key"]))
