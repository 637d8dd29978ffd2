"""Rasa parse results: reading the FAQ pick (the components and the benchmarks do) and putting
a decided intent first."""

from typing import Any, Dict

from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message

FAQ_INTENT = "faq"
FALLBACK_INTENT = "nlu_fallback"


def faq_selection(parse_data: Dict[str, Any]) -> Dict[str, Any]:
    """The ResponseSelector's pick for `faq` (`default` when it is trained on all intents)."""
    selectors = parse_data.get("response_selector") or {}
    selector = selectors.get(FAQ_INTENT) or selectors.get("default") or {}
    return selector.get("response") or {}


def put_first(message: Message, intent: str, confidence: float) -> None:
    """Make `intent` the message's intent. The classifier's own ranking stays below it: the
    benchmarks score the classifier from it, and the override's decision on top of it."""
    decided = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: confidence}
    ranking = message.get(INTENT_RANKING_KEY) or []
    message.set(INTENT, decided, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [decided, *ranking], add_to_output=True)


# The lexicon's entities (data/nlu/lexicon.yml) that name what a FAQ answer is about.
SUBJECT_ENTITIES = ("treatment", "diagnostic_test")


def names_a_subject(message: Message) -> bool:
    """The message names a NET treatment or test the lexicon knows."""
    return any(e.get("entity") in SUBJECT_ENTITIES for e in message.get(ENTITIES) or [])
