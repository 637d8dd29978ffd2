"""A request for a call that the classifier split between its kinds is still a request."""

import pytest
import yaml
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.request_intents import RequestIntents
from bot.settings import ROOT


def decided(*ranking, top="nlu_fallback", text="could someone call me about a second opinion"):
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": top, "confidence": 0.6})
    entries = [{"name": n, "confidence": c} for n, c in ranking]
    if top == "nlu_fallback":
        entries.insert(0, {"name": top, "confidence": 0.6})
    message.set(INTENT_RANKING_KEY, entries)
    [message] = RequestIntents(threshold=0.6).process([message])
    return message.get(INTENT)


def test_split_requests_become_the_one_that_names_its_reason():
    intent = decided(("request_callback", 0.51), ("request_second_opinion", 0.45), ("faq", 0.02))
    assert intent == {"name": "request_second_opinion", "confidence": pytest.approx(0.96)}
    intent = decided(("request_appointment", 0.4), ("request_callback", 0.3))
    assert intent["name"] == "request_appointment"


@pytest.mark.parametrize(
    "ranking",
    [
        [("request_callback", 0.3), ("request_appointment", 0.2)],  # too unsure together
        [("request_callback", 0.45), ("faq", 0.3), ("request_appointment", 0.2)],  # not leading
        [("request_callback", 0.59)],  # one request alone stays the fallback's call
    ],
)
def test_unsure_or_mixed_guesses_stay_the_fallback(ranking):
    assert decided(*ranking, text="and what about that")["name"] == "nlu_fallback"


def test_a_request_told_with_its_story_is_the_request_it_asks_for():
    text = "buenas tardes, quiero hacer una cita para mi mama, le encontraron un tumor"
    intent = decided(("faq", 0.47), ("request_appointment", 0.43), text=text)
    assert intent["name"] == "request_appointment"


@pytest.mark.parametrize(
    "ranking, text",
    [
        # Not asking in so many words: the classifier's doubt stands.
        ([("faq", 0.47), ("request_appointment", 0.43)], "my mom has a tumor in her stomach"),
        # A request only third: not what the message is.
        ([("faq", 0.4), ("ask_where", 0.3), ("request_appointment", 0.2)], "appointment info"),
    ],
)
def test_a_request_word_alone_does_not_make_a_request(ranking, text):
    assert decided(*ranking, text=text)["name"] == "nlu_fallback"


def test_a_message_that_did_not_fall_back_is_left_alone():
    intent = decided(("request_callback", 0.5), ("request_appointment", 0.45), top="faq")
    assert intent["name"] == "faq"


def test_the_bar_is_the_fallback_classifiers():
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
    [fallback] = [c for c in pipeline if c["name"] == "FallbackClassifier"]
    [requests] = [c for c in pipeline if c["name"].endswith(".RequestIntents")]
    assert requests["threshold"] == fallback["threshold"]
