"""NLU component that decides the safety tier of every message, last in the pipeline.

- takeover: the rule-based net (bot/safety.py) recognises a clear emergency or self-harm, or
  the safety model (bot/nlu/safety_classifier.py) gives at least `takeover_confidence`
  (`not_now_confidence` when the rules see the emergency words asked about, over, denied or
  joked about: "had surgery 6 days ago and the pain is unbearable" is still one, so the rules
  only raise the bar). Short of the sure bar (`not_now_confidence`), the safety model is
  seconded by the intent classifier, trained on the same emergencies among thirty other
  intents: a model-only takeover needs its probability of `emergency` to reach `intent_floor`.
  The safety model alone took "im heading out now, bye" and "i want to stop filling this out"
  for emergencies that the intent classifier, sure of goodbye and stop, gave 1 to 4 percent.
  The intent becomes `emergency`, which every dialogue state answers with 911/988 at once.
- line: a risk mentioned, or a probability of at least `line_confidence` without a takeover.
  The visitor gets the normal answer plus one short safety line (bot/chat/nlg.py adds it),
  instead of a takeover that frightens and does not answer, or silence if it was real.
This is the one place that decides: an `emergency` guessed by the intent classifier alone is
not a takeover. What else the message asks is then read from the classifier's other intents,
their confidences taken among themselves ("my wife had her second Lutathera dose and is so
tired" is about PRRT): answered, with the safety line, when the next intent clears
`answer_confidence` (and a FAQ its topic `topic_confidence`, the FallbackClassifier's and the
FaqConfidenceGate's bars in config.yml); otherwise the honest "I can't answer that".
The decision is `parse_data["safety"]`, so it is kept with the message in the tracker.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.faq_gate import topic_entity
from bot.nlu.parse import FALLBACK_INTENT, FAQ_INTENT, faq_selection, put_first
from bot.nlu.safety_classifier import EMERGENCY_INTENT, PROBABILITY_KEY
from bot.nlu.tuned import Tuned
from bot.safety import NOT_NOW, TAKEOVER, Tier, triage

SAFETY_KEY = "safety"
# What the rule net read in the message (bot/safety.py), kept with the decision so that what
# comes after (the safety line inside the form, bot/chat/nlg.py) need not read it again.
RULES_KEY = "safety_rules"
LINE = "line"
# On a takeover only the safety model asked for, with no risk the rules know of: inside the
# callback form, the form's question decides whether the
# message is its answer ("my husband, Tuan Le" at the name) or an emergency
# (actions/callback.py, data/rules/callback.yml). Everywhere else it is a takeover as any.
DOUBT_ENTITY = "safety_doubt"


def decide(
    rules: Optional[Tier],
    probability: float,
    takeover_confidence: float,
    not_now_confidence: float,
    line_confidence: float,
    intent_vote: float = 1.0,
    intent_floor: float = 0.0,
) -> Tuple[Optional[str], bool]:
    """("takeover", "line" or None, whether a takeover is in doubt) for what the rule net read
    in one message, the safety model's probability and the intent classifier's probability of
    `emergency` (its vote)."""
    if rules == TAKEOVER:
        return TAKEOVER, False
    if probability >= not_now_confidence:
        # However sure, the model alone on words the rules know no risk in ("King" typed at
        # the name question) is read against the form's question.
        return TAKEOVER, rules is None
    needed = not_now_confidence if rules == NOT_NOW else takeover_confidence
    if probability >= needed and intent_vote >= intent_floor:
        return TAKEOVER, rules is None
    if rules is not None or probability >= line_confidence:
        return LINE, False
    return None, False


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyTriage(Tuned):
    """config.yml sets the confidences and says how they were chosen."""

    SETTINGS = {
        "takeover_confidence": 0.4,
        "not_now_confidence": 0.8,
        "line_confidence": 0.15,
        "answer_confidence": 0.6,
        "topic_confidence": 0.4,
        "intent_floor": 0.05,
    }

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            rules = triage(text)
            tier, in_doubt = decide(
                rules,
                float(message.get(PROBABILITY_KEY) or 0.0),
                self.settings["takeover_confidence"],
                self.settings["not_now_confidence"],
                self.settings["line_confidence"],
                _emergency_vote(message),
                self.settings["intent_floor"],
            )
            intent = message.get(INTENT) or {}
            if tier == TAKEOVER:
                put_first(message, EMERGENCY_INTENT, 1.0)
                if in_doubt:
                    doubt = {"entity": DOUBT_ENTITY, "value": "model", "start": 0, "end": len(text)}
                    message.set(
                        ENTITIES, [*(message.get(ENTITIES) or []), doubt], add_to_output=True
                    )
            elif intent.get(INTENT_NAME_KEY) == EMERGENCY_INTENT:
                self._answer_instead(message)
                tier = LINE
            message.set(SAFETY_KEY, tier, add_to_output=True)
            message.set(RULES_KEY, rules, add_to_output=True)
        return messages

    def _answer_instead(self, message: Message) -> None:
        """The classifier's next intent for a message it took for an emergency that is not one,
        or nlu_fallback when that intent (or its FAQ topic) is too unsure."""
        ranking = message.get(INTENT_RANKING_KEY) or []
        emergency = _emergency_vote(message)
        others = [
            r for r in ranking if r[INTENT_NAME_KEY] not in (EMERGENCY_INTENT, FALLBACK_INTENT)
        ]
        share = (
            others[0][PREDICTED_CONFIDENCE_KEY] / (1.0 - emergency)
            if others and emergency < 1
            else 0.0
        )
        name = others[0][INTENT_NAME_KEY] if others else FALLBACK_INTENT
        picked = faq_selection(message.data)
        topic_sure = (picked.get("confidence") or 0.0) >= self.settings["topic_confidence"]
        if share < self.settings["answer_confidence"] or (name == FAQ_INTENT and not topic_sure):
            put_first(message, FALLBACK_INTENT, share)
            return
        put_first(message, name, share)
        if name == FAQ_INTENT:
            topic = topic_entity(message.get(TEXT) or "", picked["intent_response_key"])
            message.set(ENTITIES, [*(message.get(ENTITIES) or []), topic], add_to_output=True)


def _emergency_vote(message: Message) -> float:
    """The intent classifier's own probability of `emergency` (its ranking is kept below any
    decided intent)."""
    return max(
        (
            r[PREDICTED_CONFIDENCE_KEY]
            for r in message.get(INTENT_RANKING_KEY) or []
            if r[INTENT_NAME_KEY] == EMERGENCY_INTENT
        ),
        default=0.0,
    )
