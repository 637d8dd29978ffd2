"""Running custom actions the way the rasa-sdk action server does, without the server; and
the action calls Rasa posts to the server, for the tests that run it."""

import time
from typing import Any, Dict, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

# A callback request's details as the form leaves them in the slots.
DETAILS = {
    "callback_reason": "second_opinion",
    "caller_name": "Maria Lopez",
    "phone": "+16175550123",
    "email": "maria@example.com",
    "preferred_time": "weekday mornings",
    "diagnosis_status": "not_sure",
}


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


def form_run(
    sender_id: str = "conv-1",
    consent: bool = True,
    started: float = 1764000000.25,
    client: Optional[str] = None,
    consented_at: Optional[float] = None,
    **details: Any,
) -> Dict[str, Any]:
    """A tracker's state at the end of one consented form run (as Rasa sends it), the last
    message carrying the website channel's client key when there is one. The consent is the
    newest event, given just now unless `consented_at` says when: Rasa calls the action
    right after it, and the action server takes the call's time from it."""
    message = {"text": "yes", "intent": {"name": "affirm", "confidence": 1.0}}
    if client is not None:
        message["metadata"] = {"client": client}
    return {
        "sender_id": sender_id,
        "slots": {**DETAILS, **details, "details_confirmed": True, "consent": consent},
        "latest_message": message,
        "events": [
            {"event": "user", "text": "I want a second opinion", "timestamp": started - 1},
            {"event": "active_loop", "name": "callback_form", "timestamp": started},
            {"event": "active_loop", "name": None, "timestamp": started + 60},
            {"event": "user", **message, "timestamp": consented_at or time.time()},
        ],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }


def submit_call(**form: Any) -> Dict[str, Any]:
    """The body Rasa posts to the action server to store the request of `form_run(**form)`."""
    return {
        "next_action": "action_submit_callback",
        "sender_id": form.get("sender_id", "conv-1"),
        "tracker": form_run(**form),
        "domain": {},
        "version": "3.6.21",
    }
