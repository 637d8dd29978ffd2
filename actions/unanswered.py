"""What the assistant could not answer, recorded for the content team (bot/unanswered/).

A miss is recorded where its answer is given: the honest "I can't answer that" of an unsure
message (actions/followups.py) or of an out-of-scope question, and Rasa's fallback when no rule
fits the turn (this overrides the built-in `action_default_fallback`, saying the same and
reverting the turn as it does). Recording runs off the answer (bot/unanswered/store.py
`Recorder`): the visitor never waits for it, and nothing is recorded but the scrubbed text,
the kind of miss, the classifier's best guess and its confidence, and the day; the
conversation id stays out.
"""

from functools import lru_cache
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import sessionmaker

from bot.analytics import counts
from bot.db.engine import make_engine, session_factory
from bot.unanswered.store import Recorder

FALLBACK = "nlu_fallback"


@lru_cache(maxsize=1)
def _sessions() -> sessionmaker:
    """One engine per action-server process, created on the first miss."""
    return session_factory(make_engine())


@lru_cache(maxsize=1)
def recorder() -> Recorder:
    return Recorder(_sessions)


def best_guess(tracker: Tracker, besides: str = FALLBACK) -> Tuple[Optional[str], Optional[float]]:
    """The classifier's own best guess under the fallback's and the safety tier's decisions,
    other than `besides`: `faq/<topic>` with the topic's confidence when it took the message
    for a FAQ."""
    message: Dict[str, Any] = tracker.latest_message or {}
    ranking = message.get("intent_ranking") or []
    decided = ranking[:1] if message.get("safety") == "takeover" else []
    guesses = [r for r in ranking[len(decided) :] if r.get("name") not in (FALLBACK, besides)]
    if not guesses:
        return None, None
    best = guesses[0]
    if best.get("name") == "faq":
        selectors = message.get("response_selector") or {}
        picked = (selectors.get("faq") or selectors.get("default") or {}).get("response") or {}
        if picked.get("intent_response_key"):
            return str(picked["intent_response_key"]), picked.get("confidence")
    return best.get("name"), best.get("confidence")


def record_miss(tracker: Tracker, kind: Optional[str] = None) -> None:
    """Count the miss, and record the latest message as one; for an unsure one,
    `unsure_topic` when the classifier took it for a FAQ (the fallback or the FAQ gate withheld
    the topic)."""
    # Out of scope, the guess worth reading is what else it might have been.
    guess, confidence = best_guess(tracker, besides=kind or FALLBACK)
    if kind is None:
        kind = "unsure_topic" if guess and guess.startswith("faq/") else "fallback"
    counts.counter().count("miss", kind)  # for the analytics page's fallback rate
    text = (tracker.latest_message or {}).get("text") or ""
    if not text.strip() or text.startswith("/"):  # a button's payload, not typed
        return
    recorder().submit(text, kind, guess, confidence)


class ActionOutOfScope(Action):
    def name(self) -> str:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_cannot_help")
        record_miss(tracker, "out_of_scope")
        return []


class ActionDefaultFallback(Action):
    def name(self) -> str:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_default")
        record_miss(tracker, "core_fallback")
        return [UserUtteranceReverted()]
