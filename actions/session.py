"""Session start: copy the center's contact details from settings into slots, and count the
conversation for the analytics page (bot/analytics/counts.py: off the answer, nothing about
the visitor)."""

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.analytics import counts
from bot.settings import get_settings


class ActionSessionStart(Action):
    """Replaces Rasa's default so every response template can say {center_phone}.

    Nothing from an earlier session is carried over (domain: carry_over_slots_to_new_session
    is false), so a visitor on a shared computer never sees the previous visitor's data.
    """

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        settings = get_settings()
        counts.counter().count("conversation")
        return [
            SessionStarted(),
            SlotSet("center_name", settings.center_name),
            SlotSet("center_phone", settings.center_phone),
            SlotSet("center_hours", settings.center_hours),
            ActionExecuted("action_listen"),
        ]
