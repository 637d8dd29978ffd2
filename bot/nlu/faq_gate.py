"""NLU component that withholds a FAQ answer the ResponseSelector is unsure of.

The ResponseSelector always picks some topic and has no threshold of its own. Below
`threshold` this component turns `faq` into `nlu_fallback`, so the visitor gets the honest
"I can't answer that" rule instead of a random topic. Deciding it here, in NLU, lets the
dialogue answer every FAQ with the built-in `utter_faq` and no call to the action server
(which cost a third of the server's time per message; docs/benchmarks.md).
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.parse import FALLBACK_INTENT, FAQ_INTENT, faq_selection


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class FaqConfidenceGate(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"threshold": 0.4}

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FaqConfidenceGate:
        return cls(float(config["threshold"]))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) != FAQ_INTENT:
                continue
            picked = faq_selection(message.data)
            if picked.get("intent_response_key") and (
                picked.get("confidence") or 0.0
            ) >= self.threshold:
                continue
            fallback = {
                INTENT_NAME_KEY: FALLBACK_INTENT,
                PREDICTED_CONFIDENCE_KEY: self.threshold,
            }
            message.set(INTENT, fallback, add_to_output=True)
            ranking = message.get(INTENT_RANKING_KEY) or []
            message.set(INTENT_RANKING_KEY, [fallback, *ranking], add_to_output=True)
        return messages
