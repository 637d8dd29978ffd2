"""A "yes" read against the yes/no question the assistant last asked.

Every question the assistant asks outside the callback form says in its response metadata what
it offers (bot/chat/nlg.py gives it its buttons from the same field): `callback` (a "yes"
starts the callback form) or `question` (a "yes" means the visitor has another question).
A "yes" with no question before it gets the same as the latter: what would you like to know?
"""

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.callback import fresh_form

CALLBACK_FORM = "callback_form"


def last_offer(tracker: Tracker) -> Any:
    """What the assistant's last message offered, from its response metadata."""
    last: Dict[str, Any] = tracker.get_last_event_for("bot") or {}
    metadata = last.get("metadata") or {}
    return (metadata.get("metadata") or {}).get("offer")


class ActionAnswerYes(Action):
    def name(self) -> str:
        return "action_answer_yes"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if last_offer(tracker) == "callback":
            # A new request: it starts empty (nothing typed before can come back in it).
            return [*fresh_form(), FollowupAction(CALLBACK_FORM)]
        dispatcher.utter_message(response="utter_what_next")
        return []
