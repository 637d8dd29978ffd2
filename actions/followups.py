"""A message the intent classifier is unsure of, read against the topic just answered.

A follow-up ("le va a doler?", "how many rounds does he need") is short and leans on the answer
before it, so on its own the classifier is often unsure of it and the message falls back. When
a topic has been answered (slot `last_topic`) and the classifier's best guess is a follow-up,
that follow-up is answered for the topic (the conditional variations of `utter_ask_*`, or the
honest generic one where the topic has none). Anything else gets the honest "I can't answer
that", as a fallback always did.
"""

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

FOLLOW_UPS = (
    "ask_pain",
    "ask_duration",
    "ask_side_effects",
    "ask_who_for",
    "ask_where",
    "ask_about_site",
)
# The least confidence of the classifier's best guess that is answered as a follow-up. Chosen
# on the follow-ups of the first-contact sets a to c (docs/benchmarks.md); below it a guess is
# as often wrong as right.
GUESS_FLOOR = 0.2


def best_guess(tracker: Tracker) -> dict:
    """The classifier's best intent other than the fallback itself."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    return next((r for r in ranking if r.get("name") != "nlu_fallback"), {})


class ActionFallbackInContext(Action):
    def name(self) -> str:
        return "action_fallback_in_context"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        guess = best_guess(tracker)
        if (
            tracker.get_slot("last_topic")
            and guess.get("name") in FOLLOW_UPS
            and (guess.get("confidence") or 0.0) >= GUESS_FLOOR
        ):
            dispatcher.utter_message(response=f"utter_{guess['name']}")
        else:
            dispatcher.utter_message(response="utter_cannot_help")
        return []
