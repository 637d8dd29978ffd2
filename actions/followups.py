"""A message the intent classifier is unsure of, read against the topic just answered.

A follow-up ("le va a doler?", "how many rounds does he need") is short and leans on the answer
before it, so on its own the classifier is often unsure of it and the message falls back. When
a topic has been answered (slot `last_topic`) and the classifier's best guess is a follow-up,
that follow-up is answered for the topic (the conditional variations of `utter_ask_*`, or the
honest generic one where the topic has none). A message whose two best guesses include
feelings ("my mom was just diagnosed and im kind of freaking out") gets the warm reply with the
support on offer rather than a cold "I can't answer that". Anything else gets the honest "I
can't answer that", as a fallback always did.
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
# The same for feelings among the two best guesses, chosen on the near misses of sets a to d
# and the held-out file: above it, the messages were worried or weary ones.
FEELINGS_FLOOR = 0.3


def best_guesses(tracker: Tracker) -> List[dict]:
    """The classifier's intents other than the fallback itself, best first."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    return [r for r in ranking if r.get("name") != "nlu_fallback"]


class ActionFallbackInContext(Action):
    def name(self) -> str:
        return "action_fallback_in_context"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        guesses = best_guesses(tracker)
        guess = guesses[0] if guesses else {}
        if (
            tracker.get_slot("last_topic")
            and guess.get("name") in FOLLOW_UPS
            and (guess.get("confidence") or 0.0) >= GUESS_FLOOR
        ):
            dispatcher.utter_message(response=f"utter_{guess['name']}")
        elif any(
            g.get("name") == "express_feelings" and (g.get("confidence") or 0.0) >= FEELINGS_FLOOR
            for g in guesses[:2]
        ):
            dispatcher.utter_message(response="utter_feelings")
        else:
            dispatcher.utter_message(response="utter_cannot_help")
        return []
