"""The safety tier of a message: takeover for the rule net's clear cases or a confident safety
model, a safety line for a mention or an unsure model, nothing otherwise; and the intent
classifier alone never takes over."""

import pytest
import yaml
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.safety_triage import SafetyTriage, decide
from bot.safety import triage
from bot.settings import ROOT

TAKEOVER, NOT_NOW, LINE = 0.4, 0.8, 0.15


def triaged(text, probability, intent=("faq", 0.9), others=(), topic=None):
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent[0], "confidence": intent[1]})
    ranking = [intent, *others]
    message.set(INTENT_RANKING_KEY, [{"name": n, "confidence": c} for n, c in ranking])
    if topic:
        pick = {"intent_response_key": f"faq/{topic[0]}", "confidence": topic[1]}
        message.set("response_selector", {"faq": {"response": pick}})
    message.set("emergency_probability", probability)
    [message] = SafetyTriage(
        takeover_confidence=TAKEOVER,
        not_now_confidence=NOT_NOW,
        line_confidence=LINE,
        answer_confidence=0.6,
        topic_confidence=0.2,
        intent_floor=0.05,
    ).process([message])
    return message


def test_the_confidences_come_from_config_yml():
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
    [entry] = [c for c in pipeline if c["name"].endswith(".SafetyTriage")]
    triage = SafetyTriage.create({**SafetyTriage.get_default_config(), **entry}, None, None, None)
    assert triage.settings == {
        "takeover_confidence": entry["takeover_confidence"],
        "not_now_confidence": entry["not_now_confidence"],
        "line_confidence": entry["line_confidence"],
        "answer_confidence": entry["answer_confidence"],
        "topic_confidence": entry["topic_confidence"],
        "intent_floor": entry["intent_floor"],
    }
    # The message that is not an emergency after all is answered at the same bars as any.
    [fallback] = [c for c in pipeline if c["name"] == "FallbackClassifier"]
    [gate] = [c for c in pipeline if c["name"].endswith(".FaqConfidenceGate")]
    assert entry["answer_confidence"] == fallback["threshold"]
    assert entry["topic_confidence"] == gate["threshold"]


def test_a_clear_emergency_takes_over_whatever_the_models_say():
    message = triaged("i can't breathe", 0.01, ("greet", 0.6))
    assert message.get(INTENT) == {"name": "emergency", "confidence": 1.0}
    # The intent classifier's own ranking stays below the decision, for evaluation.
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == ["emergency", "greet"]
    assert message.get("safety") == "takeover"


def test_a_confident_safety_model_takes_over():
    message = triaged("ive got enough pills saved up for the weekend", 0.8)
    assert message.get(INTENT)["name"] == "emergency" and message.get("safety") == "takeover"


def test_an_unsure_safety_model_takes_over_only_if_the_intent_classifier_seconds_it():
    seconded = triaged(
        "ive got enough saved up for the weekend", 0.5, ("faq", 0.9), [("emergency", 0.06)]
    )
    assert seconded.get("safety") == "takeover"
    alone = triaged("im heading out now, bye", 0.5, ("goodbye", 0.96), [("emergency", 0.04)])
    assert alone.get(INTENT)["name"] == "goodbye" and alone.get("safety") == "line"
    # Sure: the safety model needs nobody's vote.
    assert triaged("im heading out now, bye", 0.8, ("goodbye", 0.96)).get("safety") == "takeover"


def test_an_unsure_safety_model_gets_the_answer_and_a_line():
    message = triaged("hey is chemo the only option for my mom, shes 78 and really tired", 0.3)
    assert message.get(INTENT)["name"] == "faq" and message.get("safety") == "line"


def test_the_intent_classifier_alone_never_takes_over():
    message = triaged("is prrt fitting for my situation", 0.05, ("emergency", 0.7))
    assert message.get(INTENT)["name"] == "nlu_fallback"
    assert message.get("safety") == "line"


def test_not_an_emergency_after_all_is_answered_as_the_next_intent_with_its_topic():
    text = "my wife had her 2nd lutathera dose and shes so tired"
    message = triaged(text, 0.1, ("emergency", 0.5), [("faq", 0.4)], ("prrt", 0.5))
    assert message.get(INTENT) == {"name": "faq", "confidence": pytest.approx(0.8)}
    assert message.get("safety") == "line"
    [topic] = [e for e in message.get("entities") if e["entity"] == "topic"]
    assert topic["value"] == "prrt" and topic["end"] == len(text)


@pytest.mark.parametrize(
    "others, topic",
    [
        ([("faq", 0.2), ("greet", 0.2)], ("prrt", 0.9)),  # the next intent is too unsure
        ([("faq", 0.45)], ("prrt", 0.1)),  # the FAQ's topic is too unsure
        ([], None),  # nothing else
    ],
)
def test_not_an_emergency_and_nothing_sure_else_is_fallback(others, topic):
    message = triaged("anything", 0.1, ("emergency", 0.5), others, topic)
    assert message.get(INTENT)["name"] == "nlu_fallback"
    assert not [e for e in message.get("entities") or [] if e["entity"] == "topic"]


def test_a_mention_gets_a_line_and_keeps_its_intent():
    message = triaged("my dad survived a heart attack, can he still get PRRT", 0.1)
    assert message.get(INTENT)["name"] == "faq" and message.get("safety") == "line"


@pytest.mark.parametrize("text", ["Ann", "what is prrt", "Faith Hill"])
def test_nothing_risky_gets_nothing(text):
    message = triaged(text, 0.02)
    assert message.get(INTENT)["name"] == "faq" and message.get("safety") is None


def test_decide_uses_the_thresholds():
    assert decide(triage("hello"), 0.4, TAKEOVER, NOT_NOW, LINE) == ("takeover", True)
    assert decide(triage("hello"), 0.8, TAKEOVER, NOT_NOW, LINE) == ("takeover", True)
    assert decide(triage("hello"), 0.39, TAKEOVER, NOT_NOW, LINE) == ("line", False)
    assert decide(triage("hello"), 0.14, TAKEOVER, NOT_NOW, LINE) == (None, False)


def test_when_the_rules_see_it_is_not_now_the_model_must_be_surer():
    past = "i fainted at my last infusion back in june, can someone sit with me"
    assert decide(triage(past), 0.7, TAKEOVER, NOT_NOW, LINE) == ("line", False)
    assert decide(triage(past), 0.85, TAKEOVER, NOT_NOW, LINE) == ("takeover", False)


def test_a_takeover_is_in_doubt_only_when_the_model_alone_asked():
    """The form reads such a message against its question (actions/callback.py)."""

    def doubt(message):
        return [e["value"] for e in message.get("entities") or [] if e["entity"] == "safety_doubt"]

    assert doubt(triaged("my husband, Tuan Le", 0.6, others=[("emergency", 0.1)])) == ["model"]
    # However sure the model is: "King" at the name question is a name.
    assert doubt(triaged("King", 0.85)) == ["model"]
    # The rules see a risk: never in doubt, whatever the model says.
    assert doubt(triaged("my husband is bleeding a lot", 0.6)) == []
    assert doubt(triaged("i can't breathe", 0.6)) == []
