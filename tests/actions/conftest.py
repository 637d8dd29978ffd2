"""Actions record misses through a recorder (actions/unanswered.py); in these tests it only
collects them, so no test writes to a database it did not make."""

from typing import List, Optional, Tuple

import pytest

import actions.unanswered


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
