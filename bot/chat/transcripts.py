"""A conversation as staff read it, from its events: served by the website channel's internal
endpoint (bot/chat/channels.py) to the web service. Its own module, light to import (no Rasa
server), so the web service's tests serve the same lines from their stand-in chat server."""

from typing import Any, Dict, Iterable, List, Optional

from rasa.shared.core.events import BotUttered, Event, UserUttered

# The assistant's emergency message (domain.yml), sent by data/rules/safety.yml and by the
# actions that read an emergency in doubt (actions/followups.py, actions/callback.py).
EMERGENCY_RESPONSE = "utter_emergency"


def staff_transcript(events: Iterable[Event]) -> List[Dict[str, Any]]:
    """The whole conversation behind a callback request, for the staff member who opens it:
    each message with its place in the conversation, and each visitor message that the
    assistant answered with the emergency message (911/988) marked `takeover`, with the
    intent it was read as, so staff can say it was no emergency (bot/leads/transcripts.py)."""
    lines: List[Dict[str, Any]] = []
    asked: Optional[Dict[str, Any]] = None  # the visitor's message the bot is answering
    for index, event in enumerate(events):
        if isinstance(event, UserUttered) and event.text and not event.text.startswith("/"):
            intent = event.intent or {}
            asked = {
                "index": index,
                "from": "visitor",
                "text": event.text,
                "takeover": False,
                "intent": intent.get("name"),
                "confidence": intent.get("confidence"),
            }
            lines.append(asked)
        elif isinstance(event, UserUttered):
            asked = None  # a button's payload: the takeover would be no typed message's
        elif isinstance(event, BotUttered) and event.text:
            lines.append({"index": index, "from": "bot", "text": event.text})
            if asked is not None and event.metadata.get("utter_action") == EMERGENCY_RESPONSE:
                asked["takeover"] = True
    return lines
