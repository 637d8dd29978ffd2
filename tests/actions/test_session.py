"""The session start, run the rasa-sdk way: a real Tracker, a CollectingDispatcher, the events."""

from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet

from actions.session import ActionSessionStart
from tests.utils.sdk import run, tracker


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
