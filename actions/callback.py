"""The callback form: validation, the read-back, and storing the request as a lead.

What counts as a good answer lives in bot/intake.py and bot/validation.py; these actions map
those decisions to slots and messages. Nothing here logs what the visitor typed.
"""
import asyncio
import logging
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import intake
from bot.storage.db import make_engine, session_factory
from bot.storage.outbox import Outbox, submit

logger = logging.getLogger(__name__)

FORM = "callback_form"


def _intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


class ValidateCallbackForm(FormValidationAction):
    """A bad value is re-asked with the reason, never kept."""

    def name(self) -> Text:
        return "validate_callback_form"

    def _detail(self, slot: str, value: Any, dispatcher: CollectingDispatcher,
                tracker: Tracker) -> Dict[Text, Any]:
        clean, problem = intake.check_detail(slot, value, _intent(tracker))
        if not problem:
            return {slot: clean}
        dispatcher.utter_message(text=problem)
        return {slot: clean, intake.REFUSED: True}

    def validate_callback_reason(self, value, dispatcher, tracker, domain):
        return self._detail(intake.REASON, value, dispatcher, tracker)

    def validate_caller_name(self, value, dispatcher, tracker, domain):
        return self._detail(intake.NAME, value, dispatcher, tracker)

    def validate_phone(self, value, dispatcher, tracker, domain):
        return self._detail(intake.PHONE, value, dispatcher, tracker)

    def validate_email(self, value, dispatcher, tracker, domain):
        return self._detail(intake.EMAIL, value, dispatcher, tracker)

    def validate_preferred_time(self, value, dispatcher, tracker, domain):
        return self._detail(intake.TIME, value, dispatcher, tracker)

    def validate_diagnosis_status(self, value, dispatcher, tracker, domain):
        return self._detail(intake.DIAGNOSIS, value, dispatcher, tracker)

    def validate_details_confirmed(self, value, dispatcher, tracker, domain):
        detail = next(tracker.get_latest_entity_values("detail"), None)
        decision, field = intake.read_confirmation(value, _intent(tracker), detail)
        if decision == "confirm":
            return {intake.CONFIRMED: True}
        if decision == "change":
            dispatcher.utter_message(response="utter_will_change")
            # Emptying the slot makes the form ask for it again, then read back once more.
            return {field: None, intake.CONFIRMED: None}
        dispatcher.utter_message(response="utter_confirm_unclear")
        return {intake.CONFIRMED: None}

    def validate_consent(self, value, dispatcher, tracker, domain):
        consent = intake.read_consent(value, _intent(tracker))
        if consent is None:
            dispatcher.utter_message(response="utter_consent_unclear")
        return {intake.CONSENT: consent}


class ActionAskDetailsConfirmed(Action):
    """The read-back: every detail, so the visitor can spot and fix a mistake."""

    def name(self) -> Text:
        return "action_ask_details_confirmed"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        dispatcher.utter_message(
            text=intake.read_back(tracker.slots) + "\n\nIs this correct?",
            buttons=[
                {"title": "Yes, that's right", "payload": "/affirm"},
                *(
                    {"title": f"Change {label}",
                     "payload": f'/inform{{"detail": "{slot}"}}'}
                    for slot, label in intake.CHANGE_LABELS.items()
                ),
            ],
        )
        return []


@lru_cache(maxsize=1)
def _storage():
    """One engine and outbox per action-server process, created on first use."""
    return session_factory(make_engine()), Outbox()


def submission_id(tracker: Tracker) -> str:
    """The same for every retry of one form run, different for the next run.

    The start time of the form's latest activation identifies the run: a retried or
    duplicated submit of the same tracker carries the same events, so it maps to the same
    lead (the database's unique constraint does the rest).
    """
    started = [
        e.get("timestamp") for e in tracker.events
        if e.get("event") == "active_loop" and e.get("name") == FORM
    ]
    return f"{started[-1]:.6f}" if started and started[-1] is not None else "no-form-run"


def reset_form() -> List[EventType]:
    """Personal details leave the conversation state as soon as they are not needed."""
    return [SlotSet(slot, None) for slot in intake.FORM_SLOTS]


class ActionSubmitCallback(Action):
    def name(self) -> Text:
        return "action_submit_callback"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        if tracker.get_slot(intake.CONSENT) is not True:
            dispatcher.utter_message(response="utter_callback_not_stored")
            return reset_form()
        request = intake.lead_request(
            tracker.slots, conversation_id=tracker.sender_id,
            submission_id=submission_id(tracker), consent_at=datetime.now(timezone.utc),
        )
        sessions, outbox = _storage()
        # Blocking database I/O (up to the connect timeout) must not stall other visitors.
        lead, stored = await asyncio.to_thread(submit, sessions, outbox, request)
        if stored:
            logger.info("callback request stored as lead %s", lead.id)
            dispatcher.utter_message(
                response="utter_callback_stored", reference=lead.reference,
                phone_hint=intake.phone_hint(request.phone),
            )
        else:
            dispatcher.utter_message(response="utter_callback_parked")
        return reset_form()


class ActionResetCallback(Action):
    """After "stop": the visitor confirmed, so nothing they typed is kept."""

    def name(self) -> Text:
        return "action_reset_callback"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        return reset_form()
