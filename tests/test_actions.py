"""Custom actions, run the rasa-sdk way: a real Tracker, a CollectingDispatcher, the events."""

import inspect

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

import actions.session
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


def test_every_action_is_unique_and_declared_in_the_domain(domain):
    classes = [
        cls
        for module in (actions.session,)
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, Action) and cls is not Action and cls.__module__ == module.__name__
    ]
    names = [cls().name() for cls in classes]
    assert len(names) == len(set(names))
    custom_in_domain = {a for a in domain["actions"] if not a.startswith("utter_")}
    assert set(names) == custom_in_domain
