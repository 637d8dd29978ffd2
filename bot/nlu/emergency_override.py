"""NLU component that forces the `emergency` intent when an emergency is plausible.

It runs last in the pipeline, after the FallbackClassifier, so neither a low classifier
confidence nor an `nlu_fallback` can hide an emergency. Dialogue rules then answer
`emergency` in every state, including inside a form.
"""

from __future__ import annotations

from typing import Any, Dict, List

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
from bot.safety import is_emergency

EMERGENCY_INTENT = "emergency"


def should_force(text: str, ranking: List[Dict[str, Any]], classifier_floor: float) -> bool:
    """The rule-based net fires, or the classifier's own best guess is `emergency`.

    The second case holds even below the fallback threshold (down to `classifier_floor`):
    telling someone who is not in danger to call 911 costs little; telling someone who is
    "I can't answer that" does not.
    """
    if is_emergency(text):
        return True
    own = next((r for r in ranking if r.get(INTENT_NAME_KEY) != FALLBACK_INTENT), None)
    return (
        own is not None
        and own.get(INTENT_NAME_KEY) == EMERGENCY_INTENT
        and own.get(PREDICTED_CONFIDENCE_KEY, 0.0) >= classifier_floor
    )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class EmergencyOverride(Tuned):
    """`value` is the classifier floor: config.yml sets it and says how it was chosen."""

    SETTING = "classifier_floor"
    DEFAULT = 0.25

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            ranking = message.get(INTENT_RANKING_KEY) or []
            if not should_force(message.get(TEXT) or "", ranking, self.value):
                continue
            put_first(message, EMERGENCY_INTENT, 1.0)
        return messages
