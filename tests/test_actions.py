"""Custom actions, run the rasa-sdk way: a real Tracker, a CollectingDispatcher, the events."""
import inspect

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

import actions.disclaimer
import actions.faq
import actions.session
from actions.disclaimer import ActionGreet
from actions.faq import ActionAnswerFaq
from actions.session import ActionSessionStart


def tracker(slots=None, latest_message=None):
    return Tracker(
        sender_id="test",
        slots=slots or {},
        latest_message=latest_message or {},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def faq_message(key, confidence, selector="faq"):
    return {
        "text": "what is prrt",
        "intent": {"name": "faq", "confidence": 0.97},
        "response_selector": {
            selector: {"response": {"intent_response_key": key, "confidence": confidence}}
        },
    }


async def run(action, tracker_, domain):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker_, domain)
    return [m["response"] for m in dispatcher.messages], events


async def test_session_start_copies_center_details_from_settings(settings_env, domain):
    settings_env(center_name="Test NET Center", center_phone="+1 555 0100", center_hours="24/7")
    responses, events = await run(ActionSessionStart(), tracker(), domain)
    assert responses == []
    assert events == [
        SessionStarted(),
        SlotSet("center_name", "Test NET Center"),
        SlotSet("center_phone", "+1 555 0100"),
        SlotSet("center_hours", "24/7"),
        ActionExecuted("action_listen"),
    ]


async def test_greeting_counts_as_the_disclaimer(domain):
    responses, events = await run(ActionGreet(), tracker(), domain)
    assert responses == ["utter_greet"]
    assert events == [SlotSet("disclaimer_shown", True)]


async def test_first_answer_comes_with_the_disclaimer_once(domain):
    responses, events = await run(
        ActionAnswerFaq(), tracker(latest_message=faq_message("faq/prrt", 0.91)), domain
    )
    assert responses == ["utter_disclaimer", "utter_faq/prrt"]
    assert events == [SlotSet("disclaimer_shown", True)]

    responses, events = await run(
        ActionAnswerFaq(),
        tracker({"disclaimer_shown": True}, faq_message("faq/stages", 0.88)),
        domain,
    )
    assert responses == ["utter_faq/stages"]
    assert events == []


@pytest.mark.parametrize(
    "message",
    [
        faq_message("faq/prrt", 0.2),  # below the threshold: no random topic
        faq_message("faq/no_such_topic", 0.99),  # a key without a reviewed answer
        {"text": "/faq", "intent": {"name": "faq", "confidence": 1.0}},  # typed intent, no pick
        {},
    ],
)
async def test_unsure_or_unknown_pick_gets_an_honest_cannot_answer(message, domain):
    responses, events = await run(ActionAnswerFaq(), tracker(latest_message=message), domain)
    assert responses == ["utter_cannot_help"]
    assert events == []


async def test_threshold_comes_from_settings(settings_env, domain):
    settings_env(faq_confidence_threshold=0.95)
    responses, _ = await run(
        ActionAnswerFaq(), tracker({"disclaimer_shown": True}, faq_message("faq/prrt", 0.9)), domain
    )
    assert responses == ["utter_cannot_help"]


async def test_selector_trained_on_all_retrieval_intents_is_read_too(domain):
    responses, _ = await run(
        ActionAnswerFaq(),
        tracker({"disclaimer_shown": True}, faq_message("faq/prrt", 0.9, selector="default")),
        domain,
    )
    assert responses == ["utter_faq/prrt"]


def test_every_action_is_unique_and_declared_in_the_domain(domain):
    classes = [
        cls
        for module in (actions.disclaimer, actions.faq, actions.session)
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, Action) and cls is not Action and cls.__module__ == module.__name__
    ]
    names = [cls().name() for cls in classes]
    assert len(names) == len(set(names))
    custom_in_domain = {a for a in domain["actions"] if not a.startswith("utter_")}
    assert set(names) == custom_in_domain
