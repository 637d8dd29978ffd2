"""The callback form: validation, the read-back, and storing the request as a lead.

What counts as a good answer lives in bot/intake/; these actions map those decisions to slots
and messages. Nothing here logs what the visitor typed.
"""

import asyncio
import logging
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Callable, Dict, List, Optional, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import sessionmaker

from bot.db.engine import make_engine, session_factory
from bot.intake import form as intake
from bot.leads.errors import LeadError, LimitReached
from bot.leads.outbox import Outbox, submit
from bot.settings import get_settings

logger = logging.getLogger(__name__)

FORM = "callback_form"


def _intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


# Replies that are not answers but still need one: the form answers them, then asks again.
_CONVERSATIONAL = (
    "express_feelings",
    "ask_pain",
    "ask_duration",
    "ask_side_effects",
    "ask_who_for",
    "ask_where",
    "ask_about_site",
)
_CONFIDENT = 0.8


def answered_aside(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """A question (or feelings) typed where a detail was expected is answered, not stored:
    "do i need a referral" is not a name. True when it was one. A new request is not one (the
    form reads it), nor is a name the classifier mistook ("Ernest Hurt" is no pain question)."""
    message = tracker.latest_message
    intent = message.get("intent") or {}
    name = intent.get("name")
    text = message.get("text")
    if name in intake.REQUESTS:
        return False
    confident = (intent.get("confidence") or 0.0) >= _CONFIDENT
    # Nor is an answer that names a site ("yes in the pancreas" at the diagnosis question).
    plain = intake.looks_like_a_name(text) or intake.plainly_answers(
        tracker.get_slot("requested_slot"), text
    )
    conversational = name in _CONVERSATIONAL and confident and not plain
    if not (intake.is_question(text) or conversational):
        return False
    faq = ((message.get("response_selector") or {}).get("faq") or {}).get("response") or {}
    if name == "faq" and faq.get("utter_action"):
        dispatcher.utter_message(response=faq["utter_action"])
    elif name in _CONVERSATIONAL:
        dispatcher.utter_message(
            response="utter_feelings" if name == "express_feelings" else f"utter_{name}"
        )
    else:
        dispatcher.utter_message(response="utter_question_in_form")
    return True


def _detail(slot: str, reader: intake.Reader) -> Callable[..., Dict[str, Any]]:
    """The SDK's `validate_<slot>` for one detail: its reader's value, or an empty slot and the
    reason, which makes the form ask again (without its preamble: REFUSED)."""

    def validate(
        _action: FormValidationAction,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        if value is None:  # emptied to be asked again (the read-back's "change")
            return {slot: None}
        if answered_aside(dispatcher, tracker):
            return {slot: None, intake.REFUSED: True}
        clean, problem = reader(value, _intent(tracker))
        if not problem:
            return {slot: clean}
        dispatcher.utter_message(text=problem)
        return {slot: clean, intake.REFUSED: True}

    return validate


class ValidateCallbackForm(FormValidationAction):
    """A bad value is re-asked with the reason, never kept."""

    def name(self) -> str:
        return "validate_callback_form"

    validate_callback_reason = _detail(intake.REASON, intake.reason_answer)
    validate_caller_name = _detail(intake.NAME, intake.name_answer)
    validate_phone = _detail(intake.PHONE, intake.phone_answer)
    validate_email = _detail(intake.EMAIL, intake.email_answer)
    validate_preferred_time = _detail(intake.TIME, intake.time_answer)
    validate_diagnosis_status = _detail(intake.DIAGNOSIS, intake.diagnosis_answer)

    def validate_details_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if value is None or isinstance(value, bool):  # already decided (ActionEmergencyOrAnswer)
            return {intake.CONFIRMED: value}
        detail = next(tracker.get_latest_entity_values("detail"), None)
        decision, field, corrected = intake.read_confirmation(value, _intent(tracker), detail)
        if decision == "unclear" and answered_aside(dispatcher, tracker):
            return {intake.CONFIRMED: None}
        if decision == "confirm":
            return {intake.CONFIRMED: True}
        if decision == "change" and field is not None:
            if corrected is not None:
                # The new value came with the correction: take it and read back again.
                return {field: corrected, intake.CONFIRMED: None}
            dispatcher.utter_message(response="utter_will_change")
            # Emptying the slot makes the form ask for it again, then read back once more.
            return {field: None, intake.CONFIRMED: None}
        dispatcher.utter_message(response="utter_confirm_unclear")
        return {intake.CONFIRMED: None}

    def validate_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if value is None or isinstance(value, bool):  # already decided (ActionEmergencyOrAnswer)
            return {intake.CONSENT: value}
        consent = intake.read_consent(value, _intent(tracker))
        if consent is None:
            if not answered_aside(dispatcher, tracker):
                dispatcher.utter_message(response="utter_consent_unclear")
            return {intake.CONSENT: None}
        if consent is False and not tracker.get_slot(intake.RECHECKED):
            # One "no" may be a slip: ask once more, saying what it means, before deleting.
            return {intake.CONSENT: None, intake.RECHECKED: True}
        return {intake.CONSENT: consent}


ANSWERED_SLOTS = (*intake.DETAILS, intake.CONFIRMED, intake.CONSENT)


class ActionEmergencyOrAnswer(Action):
    """A takeover inside the form that only the safety model asked for, short of sure and
    with no risk the rules know (bot/nlu/safety_triage.py): when the message plainly answers
    the question asked ("my husband, Tuan Le" at the name), it is that answer and the form goes
    on; otherwise it is the emergency it may be, as everywhere else."""

    def name(self) -> str:
        return "action_emergency_or_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        slot, text = tracker.get_slot("requested_slot"), tracker.latest_message.get("text")
        if slot in ANSWERED_SLOTS and intake.plainly_answers(slot, text):
            validate = getattr(ValidateCallbackForm(), f"validate_{slot}")
            values = validate(text, dispatcher, tracker, domain)
            return [*(SlotSet(key, value) for key, value in values.items()), FollowupAction(FORM)]
        dispatcher.utter_message(response="utter_emergency")
        return [ActiveLoop(None), SlotSet("requested_slot", None), *reset_form()]


class ActionAskDetailsConfirmed(Action):
    """The read-back: every detail, so the visitor can spot and fix a mistake."""

    def name(self) -> str:
        return "action_ask_details_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(
            text=intake.read_back(tracker.slots) + "\n\nIs this correct?",
            buttons=[
                {"title": "Yes, that's right", "payload": "/affirm"},
                *(
                    {"title": f"Change {label}", "payload": f'/inform{{"detail": "{slot}"}}'}
                    for slot, label in intake.CHANGE_LABELS.items()
                ),
            ],
        )
        return []


@lru_cache(maxsize=1)
def _storage() -> Tuple[sessionmaker, Outbox]:
    """One engine and outbox per action-server process, created on first use."""
    return session_factory(make_engine()), Outbox()


def submission_id(tracker: Tracker) -> str:
    """The same for every retry of one form run, different for the next run.

    The start time of the form's latest activation identifies the run: a retried or
    duplicated submit of the same tracker carries the same events, so it maps to the same
    lead (the database's unique constraint does the rest).
    """
    started = [
        e.get("timestamp")
        for e in tracker.events
        if e.get("event") == "active_loop" and e.get("name") == FORM
    ]
    return f"{started[-1]:.6f}" if started and started[-1] is not None else "no-form-run"


def reset_form() -> List[EventType]:
    """Personal details leave the conversation state as soon as they are not needed."""
    return [SlotSet(slot, None) for slot in intake.FORM_SLOTS]


def fresh_form(reason: Optional[str] = None) -> List[EventType]:
    """A new request starts empty: nothing typed for an earlier one can come back in it."""
    return [*reset_form(), SlotSet(intake.REASON, reason)]


class ActionStartCallback(Action):
    """Every new callback request starts from nothing but the reason its request gives."""

    def name(self) -> str:
        return "action_start_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        return fresh_form(intake.read_reason(tracker.latest_message.get("text"), _intent(tracker)))


class ActionSubmitCallback(Action):
    def name(self) -> str:
        return "action_submit_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if tracker.get_slot(intake.CONSENT) is not True:
            dispatcher.utter_message(response="utter_callback_not_stored")
            return reset_form()
        request = intake.lead_request(
            tracker.slots,
            conversation_id=tracker.sender_id,
            submission_id=submission_id(tracker),
            consent_at=datetime.now(timezone.utc),
            # The website channel's opaque key for the visitor's address, for the lead
            # service's per-client limit; the local REST channel sends none.
            client_key=(tracker.latest_message.get("metadata") or {}).get("client"),
        )
        sessions, outbox = _storage()
        # Past this the Rasa server has told the visitor nothing was sent: keep nothing then.
        deadline = get_settings().action_call_deadline(tracker.events)
        try:
            # Blocking database I/O (up to the connect timeout) must not stall other visitors.
            lead = await asyncio.to_thread(submit, sessions, outbox, request, deadline)
        except LeadError as refused:
            # Over a limit (the visitor is asked to call), or values the form never lets
            # through (a forged call): nothing is kept. The error names the limit or the
            # detail, never a value.
            logger.warning("callback request refused: %s", refused)
            limited = isinstance(refused, LimitReached)
            dispatcher.utter_message(
                response="utter_request_limit" if limited else "utter_callback_not_stored"
            )
            return reset_form()
        if lead is not None:
            logger.info("callback request stored as lead %s", lead.id)
            dispatcher.utter_message(
                response="utter_callback_stored",
                reference=lead.reference,
                phone_hint=intake.phone_hint(request.phone),
            )
        else:
            dispatcher.utter_message(response="utter_callback_parked")
        return reset_form()


class ActionResetCallback(Action):
    """After "stop": the visitor confirmed, so nothing they typed is kept."""

    def name(self) -> str:
        return "action_reset_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        return reset_form()
