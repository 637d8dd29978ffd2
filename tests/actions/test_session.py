"""Custom actions, run the rasa-sdk way: a real Tracker, a CollectingDispatcher, the events."""

import inspect

from rasa_sdk import Action
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from tests.sdk import run, tracker

import actions.callback
import actions.session
from actions.session import ActionSessionStart


async def test_session_start_copies_center_details_from_settings(settings_env, domain):
    settings_env(center_name="Test NET Center", center_phone="+1 555 0100", center_hours="24/7")
    messages, events = await run(ActionSessionStart(), tracker(), domain)
    assert messages == []
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
        for module in (actions.session, actions.callback)
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, Action) and cls is not Action and cls.__module__ == module.__name__
    ]
    names = [cls().name() for cls in classes]
    assert len(names) == len(set(names))
    custom_in_domain = {a for a in domain["actions"] if not a.startswith("utter_")}
    assert set(names) == custom_in_domain
