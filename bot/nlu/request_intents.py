"""NLU component: a request for a call that the classifier split between its kinds is still a
request.

"could someone call me about getting a second opinion" is as much `request_callback` (0.51) as
`request_second_opinion` (0.45): neither clears the FallbackClassifier's bar, so the visitor
who asked for a call got "I can't answer that". The three request intents all start the
callback form and differ only in whether they say its reason, so when the message fell back
and its best guesses are requests that together clear `threshold` (the FallbackClassifier's
bar), it is the request that says the most: the appointment or second opinion it names.

A request told with its story ("buenas tardes, quiero hacer una cita para mi mama, le
encontraron un tumor neuroendocrino") shares its words with the FAQ, so the classifier may be
unsure between the two. When the message fell back, a request is one of its two best guesses,
and it asks in so many words for an appointment, a second opinion or a call, it is that
request.
"""

from __future__ import annotations

import re
from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.parse import FALLBACK_INTENT, put_first
from bot.nlu.tuned import Tuned

# The request intents, the most specific first.
REQUESTS = ("request_second_opinion", "request_appointment", "request_callback")
# Asking in so many words, in English or Spanish.
_ASKS = re.compile(
    r"\b(appointments?|appts?|second opinion|2nd opinion|call me|call us|callback|call back|"
    r"book|schedule|citas?|agendar|segunda opini[oó]n|ll[aá]me(n)?me|me pueden llamar|"
    r"pueden llamarme)\b",
    re.IGNORECASE,
)


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
            asked = [g for g in guesses[:2] if g[INTENT_NAME_KEY] in REQUESTS]
            if len(leading) > 1 and total >= self.settings["threshold"]:
                put_first(message, _most_specific(leading), total)
            elif asked and _ASKS.search(message.get(TEXT) or ""):
                put_first(message, _most_specific(asked), asked[0][PREDICTED_CONFIDENCE_KEY])
        return messages


def _most_specific(guesses: List[dict]) -> str:
    return str(min(guesses, key=lambda g: REQUESTS.index(g[INTENT_NAME_KEY]))[INTENT_NAME_KEY])
