"""NLU component that withholds a FAQ answer the ResponseSelector is unsure of.

The ResponseSelector always picks some topic and has no threshold of its own. Below
`threshold` this component turns `faq` into `nlu_fallback`, so the visitor gets the honest
"I can't answer that" rule instead of a random topic. Deciding it here, in NLU, lets the
dialogue answer every FAQ with the built-in `utter_faq` and no call to the action server
(which cost a third of the server's time per message; docs/benchmarks.md).
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.parse import FALLBACK_INTENT, FAQ_INTENT, faq_selection, put_first
from bot.nlu.tuned import Tuned


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class FaqConfidenceGate(Tuned):
    """`value` is the lowest topic confidence that is answered."""

    SETTING = "threshold"
    DEFAULT = 0.4

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) != FAQ_INTENT:
                continue
            picked = faq_selection(message.data)
            if (
                picked.get("intent_response_key")
                and (picked.get("confidence") or 0.0) >= self.value
            ):
                continue
            put_first(message, FALLBACK_INTENT, self.value)
        return messages
