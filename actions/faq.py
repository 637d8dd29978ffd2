"""Answer a NET question with the reviewed answer the ResponseSelector picked.

The ResponseSelector always picks some topic, even for a question it has never seen the like
of. Answering with a random topic would mislead an anxious visitor, so below the confidence
threshold in settings the visitor gets an honest "I can't answer that" and a callback offer.
"""
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.disclaimer import disclaimer_once
from bot.nlu.parse import faq_selection
from bot.settings import get_settings


def selected_answer(latest_message: Dict[Text, Any], threshold: float) -> Optional[Text]:
    """The response name (utter_faq/<topic>) to send, or None when the pick is too unsure."""
    response = faq_selection(latest_message)
    key = response.get("intent_response_key")
    if not key or (response.get("confidence") or 0.0) < threshold:
        return None
    return f"utter_{key}"


class ActionAnswerFaq(Action):
    def name(self) -> Text:
        return "action_answer_faq"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        answer = selected_answer(tracker.latest_message, get_settings().faq_confidence_threshold)
        if answer is None or answer not in domain.get("responses", {}):
            dispatcher.utter_message(response="utter_cannot_help")
            return []
        events = disclaimer_once(dispatcher, tracker)
        dispatcher.utter_message(response=answer)
        return events
