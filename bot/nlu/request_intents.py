"""NLU component: a request for a call that the classifier split between its kinds is still a
request.

"could someone call me about getting a second opinion" is as much `request_callback` (0.51) as
`request_second_opinion` (0.45): neither clears the FallbackClassifier's bar, so the visitor
who asked for a call got "I can't answer that". The three request intents all start the
callback form and differ only in whether they say its reason, so when the message fell back
and its best guesses are requests that together clear `threshold` (the FallbackClassifier's
bar), it is the request that says the most: the appointment or second opinion it names.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.parse import FALLBACK_INTENT, put_first
from bot.nlu.tuned import Tuned

# The request intents, the most specific first.
REQUESTS = ("request_second_opinion", "request_appointment", "request_callback")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class RequestIntents(Tuned):
    """`threshold` is the least summed confidence of the best guesses that are requests."""

    SETTINGS = {"threshold": 0.6}

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) != FALLBACK_INTENT:
                continue
            guesses = [
                r
                for r in message.get(INTENT_RANKING_KEY) or []
                if r[INTENT_NAME_KEY] != FALLBACK_INTENT
            ]
            leading: List[dict] = []
            for guess in guesses:
                if guess[INTENT_NAME_KEY] not in REQUESTS:
                    break
                leading.append(guess)
            total = sum(g[PREDICTED_CONFIDENCE_KEY] for g in leading)
            if len(leading) > 1 and total >= self.settings["threshold"]:
                named = min(leading, key=lambda g: REQUESTS.index(g[INTENT_NAME_KEY]))
                put_first(message, named[INTENT_NAME_KEY], total)
        return messages
