"""Actions record misses through a recorder (actions/unanswered.py) and count for the
analytics page through a counter (bot/analytics/counts.py); in these tests both only collect,
so no test writes to a database it did not make."""

from typing import List, Optional, Tuple

import pytest

import actions.unanswered
from bot.analytics import counts


class CollectingRecorder:
    def __init__(self) -> None:
        self.misses: List[Tuple[str, str, Optional[str], Optional[float]]] = []

    def submit(self, text, kind, guess=None, confidence=None):
        self.misses.append((text, kind, guess, confidence))


@pytest.fixture(autouse=True)
def misses(monkeypatch):
    recorder = CollectingRecorder()
    monkeypatch.setattr(actions.unanswered, "recorder", lambda: recorder)
    return recorder.misses


class CollectingCounter:
    def __init__(self) -> None:
        self.counts: List[Tuple[str, str]] = []

    def count(self, metric, key=""):
        self.counts.append((metric, key))


@pytest.fixture(autouse=True)
def counted(monkeypatch):
    counter = CollectingCounter()
    monkeypatch.setattr(counts, "counter", lambda: counter)
    return counter.counts
