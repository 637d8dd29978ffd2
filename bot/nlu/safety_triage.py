"""NLU component that decides the safety tier of every message, last in the pipeline.

- takeover: the rule-based net (bot/safety.py) recognises a clear emergency or self-harm, or the
  intent classifier itself is confident it is an emergency (its first guess, at or above
  `takeover_confidence`). The intent becomes `emergency`, which every dialogue state answers
  with 911/988 at once.
- line: the message mentions a risk (bot/safety.py), or the classifier gives `emergency` at
  least `line_confidence` without being sure. The visitor gets the normal answer plus one
  short safety line (bot/chat/nlg.py adds it), instead of a takeover that frightens and does
  not answer, or silence if it was real.
The decision is `parse_data["safety"]`, so it is kept with the message in the tracker.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.parse import FALLBACK_INTENT, put_first
from bot.nlu.tuned import Tuned
from bot.safety import MENTION, TAKEOVER, triage

EMERGENCY_INTENT = "emergency"
SAFETY_KEY = "safety"
LINE = "line"


def decide(
    text: str, ranking: List[Dict[str, Any]], takeover_confidence: float, line_confidence: float
) -> Optional[str]:
    """ "takeover", "line" or None for one message and the classifier's own ranking."""
    rules = triage(text)
    own = [r for r in ranking if r.get(INTENT_NAME_KEY) != FALLBACK_INTENT]
    emergency = next(
        (
            r.get(PREDICTED_CONFIDENCE_KEY, 0.0)
            for r in own
            if r.get(INTENT_NAME_KEY) == EMERGENCY_INTENT
        ),
        0.0,
    )
    first = own[0].get(INTENT_NAME_KEY) if own else None
    if rules == TAKEOVER or (first == EMERGENCY_INTENT and emergency >= takeover_confidence):
        return TAKEOVER
    if rules == MENTION or emergency >= line_confidence:
        return LINE
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyTriage(Tuned):
    """config.yml sets both confidences and says how they were chosen."""

    SETTINGS = {"takeover_confidence": 0.6, "line_confidence": 0.2}

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            tier = decide(
                message.get(TEXT) or "",
                message.get(INTENT_RANKING_KEY) or [],
                self.settings["takeover_confidence"],
                self.settings["line_confidence"],
            )
            if tier == TAKEOVER:
                put_first(message, EMERGENCY_INTENT, 1.0)
            message.set(SAFETY_KEY, tier, add_to_output=True)
        return messages
