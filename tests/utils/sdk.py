"""Running custom actions the way the rasa-sdk action server does, without the server."""

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def tracker(slots=None, latest_message=None, events=None, sender_id="test"):
    return Tracker(
        sender_id=sender_id,
        slots=slots or {},
        latest_message=latest_message or {},
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def answer(slot, value, intent="inform", entities=None, slots=None):
    """A tracker right after the form took `value` for `slot` from the visitor's message."""
    message = {
        "text": str(value),
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
    }
    return tracker(
        slots={**(slots or {}), slot: value, "requested_slot": slot},
        latest_message=message,
        events=[{"event": "user", **message}, {"event": "slot", "name": slot, "value": value}],
    )


async def run(action, tracker_, domain):
    """(messages the action sent, events it returned)."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker_, domain)
    return dispatcher.messages, events
