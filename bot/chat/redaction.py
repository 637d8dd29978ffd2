"""Personal details typed into the callback form leave the stored conversation once the form
is done with them.

When a callback request is stored (or the visitor stops it), the lead keeps the details and
the transcript has no further use for them: every visitor message inside that form run, the
read-back that repeats them, and the slot values that held them are replaced. What is left
still replays to the same dialogue state (the slots were emptied at the end of the run) and
still shows the visitor, on a reload, where they are in the conversation.
"""

from typing import Any, Dict, Iterable, List, Optional, Set

from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SlotSet,
    UserUttered,
)

from bot.intake.form import DETAILS, REASON

REDACTED = "[details sent]"
FORM = "callback_form"
# The actions that end a form run for good: the request stored (or refused at consent), or
# the visitor's confirmed "stop".
CLOSERS = frozenset(("action_submit_callback", "action_reset_callback"))
# The action whose message repeats every detail.
READ_BACK = "action_ask_details_confirmed"
# Every detail but the reason (appointment or second opinion), which tells nobody apart.
_PERSONAL_SLOTS = frozenset(DETAILS) - {REASON}


def closes_a_form(events: Iterable[Event]) -> bool:
    return any(isinstance(e, ActionExecuted) and e.action_name in CLOSERS for e in events)


def redact(events: List[Event]) -> List[Event]:
    """The events with every finished form run's details replaced; the same objects where
    nothing changes, so a conversation without a finished form run is returned as it is."""
    redacted = list(events)
    start: Optional[int] = None
    for index, event in enumerate(events):
        if isinstance(event, ActiveLoop) and event.name == FORM and start is None:
            start = index
        elif isinstance(event, ActionExecuted) and event.action_name in CLOSERS:
            if start is not None:
                redacted[start:index] = _redacted_run(events[start:index])
            start = None
    return redacted


def _redacted_run(run: List[Event]) -> List[Event]:
    values = _typed_values(run)
    out: List[Event] = []
    after_read_back = False
    for event in run:
        if isinstance(event, UserUttered) and event.text != REDACTED:
            event = _user(event)
        elif isinstance(event, BotUttered) and event.text != REDACTED:
            if after_read_back or any(v in (event.text or "").lower() for v in values):
                event = BotUttered(REDACTED, {}, event.metadata, event.timestamp)
        elif isinstance(event, SlotSet) and event.key in _PERSONAL_SLOTS and event.value:
            event = SlotSet(event.key, None, event.timestamp, event.metadata)
        after_read_back = isinstance(event, ActionExecuted) and event.action_name == READ_BACK
        out.append(event)
    return out


def _typed_values(run: Iterable[Event]) -> Set[str]:
    """The details as the bot could repeat them: names and emails as typed (lower case)."""
    return {
        str(e.value).lower()
        for e in run
        if isinstance(e, SlotSet) and e.key in ("caller_name", "email") and e.value
    }


def _user(event: UserUttered) -> UserUttered:
    parse_data: Dict[str, Any] = {
        "intent": event.intent,
        "entities": [],
        "text": REDACTED,
    }
    return UserUttered(
        REDACTED,
        event.intent,
        [],
        parse_data,
        event.timestamp,
        event.input_channel,
        event.message_id,
        event.metadata,
    )
