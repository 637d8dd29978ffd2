"""An unsure message, or a takeover in doubt, after an answer: a follow-up for the topic when
the classifier's best guess (for an unsure message, one of its two best) is one, the honest
fallback or the emergency otherwise."""

import pytest

from actions.followups import (
    DOUBT_FLOOR,
    FEELINGS_FLOOR,
    GUESS_FLOOR,
    ActionEmergencyOrFollowup,
    ActionFallbackInContext,
)
from tests.utils.sdk import run, tracker


def fallen_back(guess, confidence, last_topic="prrt", second=("greet", 0.01), entities=()):
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.6},
        {"name": guess, "confidence": confidence},
        {"name": second[0], "confidence": second[1]},
    ]
    message = {"text": "le va a doler?", "intent": ranking[0], "intent_ranking": ranking}
    message["entities"] = list(entities)
    return tracker(slots={"last_topic": last_topic}, latest_message=message)


async def said(tracker_, domain):
    messages, events = await run(ActionFallbackInContext(), tracker_, domain)
    assert events == []
    return [m["response"] for m in messages]


@pytest.mark.parametrize("intent", ["ask_pain", "ask_duration", "ask_about_site", "ask_who_for"])
async def test_an_unsure_follow_up_is_answered_for_the_last_topic(domain, intent):
    assert await said(fallen_back(intent, GUESS_FLOOR), domain) == [f"utter_{intent}"]


@pytest.mark.parametrize(
    "guess, confidence, last_topic",
    [
        ("ask_pain", GUESS_FLOOR - 0.01, "prrt"),  # too unsure even of that
        ("ask_pain", 0.5, None),  # no topic answered yet: nothing to follow up
        ("greet", 0.5, "prrt"),  # not a follow-up
        ("emergency", 0.5, "prrt"),  # the safety triage's decision stands
    ],
)
async def test_anything_else_gets_the_honest_fallback(domain, guess, confidence, last_topic):
    assert await said(fallen_back(guess, confidence, last_topic), domain) == ["utter_cannot_help"]


async def test_a_site_named_after_an_answer_is_the_site_follow_up(domain):
    site = {"entity": "net_site", "value": "lung"}
    # "does it work for the lung kind": the site outweighs a guess at another follow-up.
    assert await said(fallen_back("ask_who_for", 0.55, entities=[site]), domain) == [
        "utter_ask_about_site"
    ]
    # With no topic answered it is not a follow-up of anything.
    assert await said(fallen_back("greet", 0.3, None, entities=[site]), domain) == [
        "utter_cannot_help"
    ]


async def test_a_message_without_a_ranking_gets_the_honest_fallback(domain):
    assert await said(tracker(slots={"last_topic": "prrt"}), domain) == ["utter_cannot_help"]


@pytest.mark.parametrize(
    "tracker_",
    [
        fallen_back("express_feelings", FEELINGS_FLOOR, last_topic=None),
        fallen_back("faq", 0.37, last_topic=None, second=("express_feelings", FEELINGS_FLOOR)),
    ],
)
async def test_an_unsure_worried_message_gets_the_warm_reply(domain, tracker_):
    assert await said(tracker_, domain) == ["utter_feelings"]


async def test_feelings_below_the_floor_do_not(domain):
    below = fallen_back("faq", 0.4, None, second=("express_feelings", FEELINGS_FLOOR - 0.01))
    assert await said(below, domain) == ["utter_cannot_help"]


def in_doubt(guess, confidence, last_topic="prrt"):
    """A takeover the safety tier put above the classifier's own ranking."""
    ranking = [
        {"name": "emergency", "confidence": 0.66},
        {"name": guess, "confidence": confidence},
        {"name": "emergency", "confidence": 0.1},
    ]
    message = {
        "text": "le duele mucho despues?",
        "intent": ranking[0],
        "intent_ranking": ranking,
        "safety": "takeover",
    }
    return tracker(slots={"last_topic": last_topic}, latest_message=message)


async def test_a_takeover_in_doubt_that_is_a_follow_up_is_answered_with_the_safety_line(domain):
    messages, events = await run(ActionEmergencyOrFollowup(), in_doubt("ask_pain", 0.7), domain)
    assert [m["response"] for m in messages] == ["utter_ask_pain", "utter_safety_line"]
    assert events == []


@pytest.mark.parametrize(
    "guess, confidence, last_topic",
    [
        ("ask_pain", DOUBT_FLOOR - 0.01, "prrt"),  # the follow-up is not sure enough
        ("ask_pain", 0.9, None),  # no topic answered: nothing to follow up
        ("faq", 0.9, "prrt"),  # not a follow-up
        ("emergency", 0.9, "prrt"),  # the classifier agrees it is one
    ],
)
async def test_any_other_takeover_in_doubt_is_the_emergency(domain, guess, confidence, last_topic):
    messages, _ = await run(
        ActionEmergencyOrFollowup(), in_doubt(guess, confidence, last_topic), domain
    )
    assert [m["response"] for m in messages] == ["utter_emergency"]


async def test_a_follow_up_second_to_a_general_question_is_the_follow_up(domain):
    """ "who needs them" after the lab tests answer: unsure between a general question and who
    it is for, the topic just answered makes it the follow-up."""
    second = fallen_back("faq", 0.46, second=("ask_who_for", GUESS_FLOOR))
    assert await said(second, domain) == ["utter_ask_who_for"]
    too_unsure = fallen_back("faq", 0.46, second=("ask_who_for", GUESS_FLOOR - 0.01))
    assert await said(too_unsure, domain) == ["utter_cannot_help"]
