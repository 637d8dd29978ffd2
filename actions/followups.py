"""A message the intent classifier is unsure of, read against the topic just answered.

A follow-up ("le va a doler?", "how many rounds does he need") is short and leans on the answer
before it, so on its own the classifier is often unsure of it and the message falls back.
When a topic has been answered (slot `last_topic`) and one of the classifier's two best guesses
is a follow-up, that follow-up is answered for the topic (the conditional variations of
`utter_ask_*`, or the honest generic one where the topic has none). A message whose two best
guesses include feelings ("my mom was just diagnosed and im kind of freaking out") gets the warm
reply with the support on offer rather than a cold "I can't answer that". Anything else gets the
honest "I can't answer that", as a fallback always did, and the message is recorded, scrubbed,
for the content team (actions/unanswered.py).

A takeover in doubt (only the safety model asked for it, short of sure, no risk the rules know:
bot/nlu/safety_triage.py) right after a topic was answered is read against that topic the same
way: "le duele mucho despues?" after the surgery answer is the follow-up the classifier sees in
it, answered with the safety line; anything else is the emergency it may be.
"""

from typing import List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.unanswered import record_miss

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
# The least confidence of a follow-up guess that outweighs a takeover in doubt: the
# classifier must be more sure of the follow-up than of anything else together.
DOUBT_FLOOR = 0.5


def best_guesses(tracker: Tracker) -> List[dict]:
    """The classifier's intents other than the fallback and the safety tier's decision put
    above them (bot/nlu/parse.py: put_first), best first."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    decided = ranking[:1] if tracker.latest_message.get("safety") == "takeover" else []
    return [r for r in ranking[len(decided) :] if r.get("name") != "nlu_fallback"]


def follow_up(tracker: Tracker, floor: float, among: int = 1) -> Optional[str]:
    """The follow-up the message is, for the topic just answered, if one of the classifier's
    `among` best guesses is one and at least `floor` sure."""
    if not tracker.get_slot("last_topic"):
        return None
    for guess in best_guesses(tracker)[:among]:
        if guess.get("name") in FOLLOW_UPS and (guess.get("confidence") or 0.0) >= floor:
            return str(guess["name"])
    return None


def named_site(tracker: Tracker) -> bool:
    """The message names a NET site (the lexicon's entity, kept for a fallback)."""
    entities = tracker.latest_message.get("entities") or []
    return any(e.get("entity") == "net_site" for e in entities)


class ActionFallbackInContext(Action):
    def name(self) -> str:
        return "action_fallback_in_context"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        guesses = best_guesses(tracker)
        # Unsure between a general question and a follow-up ("who needs them": faq 0.46,
        # who it is for 0.29), the topic just answered makes it the follow-up.
        asked = follow_up(tracker, GUESS_FLOOR, among=2)
        if tracker.get_slot("last_topic") and named_site(tracker):
            # "does it work for the lung kind": the site named is what is asked about.
            dispatcher.utter_message(response="utter_ask_about_site")
        elif asked:
            dispatcher.utter_message(response=f"utter_{asked}")
        elif any(
            g.get("name") == "express_feelings" and (g.get("confidence") or 0.0) >= FEELINGS_FLOOR
            for g in guesses[:2]
        ):
            dispatcher.utter_message(response="utter_feelings")
        else:
            dispatcher.utter_message(response="utter_cannot_help")
            record_miss(tracker)
        return []


class ActionEmergencyOrFollowup(Action):
    def name(self) -> str:
        return "action_emergency_or_followup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        asked = follow_up(tracker, DOUBT_FLOOR)
        if asked:
            dispatcher.utter_message(response=f"utter_{asked}")
            dispatcher.utter_message(response="utter_safety_line")
        else:
            dispatcher.utter_message(response="utter_emergency")
        return []
