"""The safety tier of a message: takeover for the rule net's clear cases or a confident
classifier, a safety line for a mention or an unsure classifier, nothing otherwise."""

import pytest
import yaml
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.safety_triage import SafetyTriage, decide
from bot.settings import ROOT

TAKEOVER, LINE = 0.6, 0.2


def ranking(*pairs):
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


def triaged(text, *pairs):
    message = Message(data={TEXT: text})
    message.set(INTENT, ranking(*pairs)[0])
    message.set(INTENT_RANKING_KEY, ranking(*pairs))
    [message] = SafetyTriage(takeover_confidence=TAKEOVER, line_confidence=LINE).process([message])
    return message


def test_the_confidences_come_from_config_yml():
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
    [entry] = [c for c in pipeline if c["name"].endswith(".SafetyTriage")]
    triage = SafetyTriage.create({**SafetyTriage.get_default_config(), **entry}, None, None, None)
    assert triage.settings == {
        "takeover_confidence": entry["takeover_confidence"],
        "line_confidence": entry["line_confidence"],
    }


def test_a_clear_emergency_takes_over_whatever_the_classifier_says():
    message = triaged("i can't breathe", ("nlu_fallback", 0.5), ("greet", 0.3))
    assert message.get(INTENT) == {"name": "emergency", "confidence": 1.0}
    # The classifier's own ranking stays below the decision, for evaluation.
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == [
        "emergency",
        "nlu_fallback",
        "greet",
    ]
    assert message.get("safety") == "takeover"


def test_a_confident_classifier_takes_over():
    message = triaged("something is really wrong with my dad", ("emergency", 0.8), ("faq", 0.1))
    assert message.get(INTENT)["name"] == "emergency" and message.get("safety") == "takeover"


@pytest.mark.parametrize(
    "pairs",
    [
        (("nlu_fallback", 0.6), ("emergency", 0.45), ("faq", 0.3)),  # unsure, ranked first
        (("faq", 0.7), ("emergency", 0.25)),  # second guess above the line
    ],
)
def test_an_unsure_emergency_guess_gets_the_answer_and_a_line_not_a_takeover(pairs):
    message = triaged("hey is chemo the only option for my mom, shes 78 and really tired", *pairs)
    assert message.get(INTENT)["name"] != "emergency"
    assert message.get("safety") == "line"


def test_a_mention_gets_a_line_and_keeps_its_intent():
    message = triaged("my dad survived a heart attack, can he still get PRRT", ("faq", 0.9))
    assert message.get(INTENT)["name"] == "faq" and message.get("safety") == "line"


@pytest.mark.parametrize(
    "text, pairs",
    [
        ("Ann", (("inform", 0.7), ("emergency", 0.19))),  # noise-level guess: nothing
        ("what is prrt", (("faq", 0.93),)),
    ],
)
def test_nothing_risky_gets_nothing(text, pairs):
    message = triaged(text, *pairs)
    assert message.get(INTENT) == ranking(*pairs)[0] and message.get("safety") is None


def test_decide_ignores_the_fallback_entry_when_reading_the_classifier():
    assert (
        decide("hello", ranking(("nlu_fallback", 0.6), ("emergency", 0.65)), TAKEOVER, LINE)
        == "takeover"
    )
