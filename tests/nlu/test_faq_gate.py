"""The FAQ confidence gate: an unsure topic pick becomes nlu_fallback, never a random answer;
an answered one says its topic."""

import pytest
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.faq_gate import FaqConfidenceGate


def message(intent="faq", key="faq/prrt", confidence=0.9, selector="faq", text="what is prrt"):
    m = Message(data={TEXT: text})
    m.set(INTENT, {"name": intent, "confidence": 0.97})
    m.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 0.97}])
    if key:
        m.set(
            "response_selector",
            {selector: {"response": {"intent_response_key": key, "confidence": confidence}}},
        )
    return m


def gate(m, threshold=0.4):
    [out] = FaqConfidenceGate(threshold=threshold).process([m])
    return out.get(INTENT)["name"]


def test_a_confident_pick_is_answered_with_its_topic():
    m = message(confidence=0.41)
    assert gate(m) == "faq"
    [topic] = m.get(ENTITIES)
    assert (topic["entity"], topic["value"], topic["start"], topic["end"]) == (
        "topic",
        "prrt",
        0,
        len("what is prrt"),
    )


def test_a_selector_trained_on_all_retrieval_intents_is_read_too():
    assert gate(message(selector="default")) == "faq"


@pytest.mark.parametrize("m", [message(confidence=0.39), message(key=None)])
def test_an_unsure_or_missing_pick_falls_back(m):
    assert gate(m) == "nlu_fallback"
    assert [r["name"] for r in m.get(INTENT_RANKING_KEY)] == ["nlu_fallback", "faq"]
    assert not m.get(ENTITIES)


@pytest.mark.parametrize(
    "text",
    [
        "for a stomach net?",
        "does it work for stomach ones",
        "what about the stomach",
        "y para el estomago",
    ],
)
def test_a_site_pick_that_leans_on_the_last_answer_is_the_site_follow_up(text):
    m = message(key="faq/site_stomach", text=text)
    assert gate(m) == "ask_about_site"
    assert not [e for e in m.get(ENTITIES) or [] if e["entity"] == "topic"]


@pytest.mark.parametrize(
    "text",
    [
        "can i get it if im on lanreotide shots",
        "could he still have it with carcinoid heart disease",
    ],
)
def test_may_i_have_it_is_who_the_last_answer_is_for_whatever_topic_it_names(text):
    assert gate(message(key="faq/somatostatin_analogues", text=text)) == "ask_who_for"


def test_a_topic_named_without_pointing_back_is_that_topics_faq():
    assert gate(message(key="faq/somatostatin_analogues", text="can i get lanreotide")) == "faq"


@pytest.mark.parametrize("text", ["what is a stomach net", "tell me about stomach nets"])
def test_a_site_question_of_its_own_is_the_site_faq(text):
    assert gate(message(key="faq/site_stomach", text=text)) == "faq"


def test_other_intents_are_left_alone():
    assert gate(message(intent="greet", key=None)) == "greet"


def _unsure(entity, confidence):
    m = message(intent="nlu_fallback", confidence=confidence)
    m.set(ENTITIES, [{"entity": entity, "value": "whipple", "extractor": "RegexEntityExtractor"}])
    return m


def test_an_unsure_message_naming_a_treatment_is_answered_when_the_topic_is_sure():
    m = _unsure("treatment", 0.5)
    assert gate(m) == "faq"
    assert [r["name"] for r in m.get(INTENT_RANKING_KEY)][:2] == ["faq", "nlu_fallback"]
    assert [e["value"] for e in m.get(ENTITIES) if e["entity"] == "topic"] == ["prrt"]


@pytest.mark.parametrize(
    "m",
    [
        _unsure("treatment", 0.49),  # the topic is not sure enough
        _unsure("net_site", 0.9),  # a site alone is no subject ("what about lungs?")
    ],
)
def test_otherwise_an_unsure_message_still_falls_back(m):
    assert gate(m) == "nlu_fallback"
