"""Greeting and the one-time "information, not medical advice" statement."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

DISCLAIMER_SLOT = "disclaimer_shown"


def disclaimer_once(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Say the disclaimer if this session has not heard it yet; return the slot event."""
    if tracker.get_slot(DISCLAIMER_SLOT):
        return []
    dispatcher.utter_message(response="utter_disclaimer")
    return [SlotSet(DISCLAIMER_SLOT, True)]


class ActionGreet(Action):
    """The greeting already contains the disclaimer, so it marks it as said."""

    def name(self) -> Text:
        return "action_greet"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_greet")
        return [SlotSet(DISCLAIMER_SLOT, True)]
