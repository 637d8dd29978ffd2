"""Conversations as Rasa stores them, for the tests of what staff see of them: turns where the
assistant answered with the emergency message (the rule's `utter_emergency` action, or an action
that sent that response) and turns where it did not."""

from typing import List

from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered

EMERGENCY_TEXT = "If this is a medical emergency, call 911 now ..."


def turn(text: str, intent: str, reply: str, response: str, action: str = "") -> List[Event]:
    """One visitor message and the assistant's answer, as Rasa 3.6 stores them: the response's
    name in the bot event's metadata (`utter_action`)."""
    return [
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": intent, "confidence": 0.91}),
        ActionExecuted(action or response),
        BotUttered(reply, {}, {"utter_action": response}),
    ]


def takeover(text: str, action: str = "") -> List[Event]:
    return turn(text, "emergency", EMERGENCY_TEXT, "utter_emergency", action)


def answer(text: str, topic: str = "prrt") -> List[Event]:
    return turn(text, "faq", f"About {topic} ...", f"utter_faq/{topic}", "utter_faq")
