"""A ResponseSelector that picks a FAQ topic only for messages classified as `faq`.

Rasa's ResponseSelector runs its TensorFlow model on every message, although its pick is read
only when the intent is the retrieval intent. That inference was the largest single cost of
a message in the Rasa server (docs/benchmarks.md), so this subclass skips it for every other
intent, except a message that names a NET treatment or test: one the classifier is unsure of
("whipple procedure", "cabometyx") may still be a question about it (bot/nlu/faq_gate.py).
Training, the model and the output are the ResponseSelector's own.
"""

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.parse import names_a_subject


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FaqResponseSelector(ResponseSelector):
    def process(self, messages: List[Message]) -> List[Message]:
        asked = [
            m
            for m in messages
            if (m.get(INTENT) or {}).get(INTENT_NAME_KEY) == self.retrieval_intent
            or names_a_subject(m)
        ]
        super().process(asked)
        return messages
