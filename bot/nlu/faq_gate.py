"""NLU component that withholds a FAQ answer whose topic the classifier is unsure of, and says
which topic an answered FAQ is about.

The intent classifier (bot/nlu/linear_intent_classifier.py) always picks some topic. Below
`threshold` this component turns `faq` into `nlu_fallback`, so the visitor gets the honest
"I can't answer that" rule instead of a random topic. Deciding it here, in NLU, lets the
dialogue answer every FAQ with the built-in `utter_faq` and no call to the action server
(which cost a third of the server's time per message; docs/benchmarks.md).

A message the intent classifier is unsure of (`nlu_fallback`) that names a NET treatment or
test ("whipple procedure", "5 hiaa test") is a question about it when the topic pick is at
least `subject_threshold` sure: it is answered as that FAQ.

An answered FAQ also carries the entity `topic` (the answer's key), which the dialogue keeps
in the slot `last_topic` so that a follow-up such as "is it painful?" is answered for it.

A pick of one of the site topics (`faq/site_*`) in a message that leans on the answer before it
("for a stomach net?", "does it work for lung carcinoid", "are they used for small bowel
tumors") is the site follow-up `ask_about_site`: about the site in the light of the topic just
answered, not a new question about the site. In the same way, "can I still have it if I'm on
lanreotide" asks who the answer before is for (`ask_who_for`), whatever other topic it names.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.parse import FALLBACK_INTENT, FAQ_INTENT, faq_selection, names_a_subject, put_first
from bot.nlu.tuned import Tuned

TOPIC_ENTITY = "topic"
SITE_TOPIC_PREFIX = "faq/site_"
SITE_FOLLOW_UP = "ask_about_site"
WHO_FOR_FOLLOW_UP = "ask_who_for"
# "can i get it if ...", "could he still have it with heart disease", "can she do them"
_MAY_I_HAVE_IT = re.compile(
    r"\b(can|could|may|should) (i|he|she|we|they|you|my \w+) (still |even |also )?(get|have|do|"
    r"take|use|start|receive) (it|them|that|this|one)\b",
    re.IGNORECASE,
)
# A fragment ("for the rectum specifically", "and if its in the lung?") or a word that points
# back ("does it work", "are they used", "eso sirve").
_LEANS_ON = re.compile(
    r"^\W*((and|but|ok|okay|so|y|pero|what|how) )*(about|for|in|if|on|para|en|si|y)\b|"
    r"\b(it|its|it's|they|them|that|this|those|these|lo|la|los|las|eso|esto|better|work|works|"
    r"help|helps|used|sirve|funciona)\b",
    re.IGNORECASE,
)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class FaqConfidenceGate(Tuned):
    """`threshold` is the lowest topic confidence that is answered; `subject_threshold` the
    lowest for a message the classifier was unsure of that names a treatment or test."""

    SETTINGS = {"threshold": 0.4, "subject_threshold": 0.5}

    def process(self, messages: List[Message]) -> List[Message]:
        threshold = self.settings["threshold"]
        for message in messages:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            picked = faq_selection(message.data)
            confidence = picked.get("confidence") or 0.0
            sure_of_its_subject = confidence >= self.settings["subject_threshold"]
            if intent == FALLBACK_INTENT and names_a_subject(message) and sure_of_its_subject:
                put_first(message, FAQ_INTENT, confidence)
                intent = FAQ_INTENT
            if intent != FAQ_INTENT:
                continue
            key = picked.get("intent_response_key")
            text = message.get(TEXT) or ""
            if key and key.startswith(SITE_TOPIC_PREFIX) and _LEANS_ON.search(text):
                put_first(message, SITE_FOLLOW_UP, confidence)
                continue
            if _MAY_I_HAVE_IT.search(text):
                put_first(message, WHO_FOR_FOLLOW_UP, confidence)
                continue
            if key and confidence >= threshold:
                topic = topic_entity(text, key)
                message.set(ENTITIES, [*(message.get(ENTITIES) or []), topic], add_to_output=True)
                continue
            put_first(message, FALLBACK_INTENT, threshold)
        return messages


def topic_entity(text: str, key: str) -> Dict[str, Any]:
    """The answer's topic as an entity spanning the whole message (faq/prrt -> prrt)."""
    return {
        "entity": TOPIC_ENTITY,
        "value": key.split("/", 1)[-1],
        "start": 0,
        "end": len(text),
        "extractor": FaqConfidenceGate.__name__,
    }
