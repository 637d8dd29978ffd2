"""The callback form's actions: every field with good, bad and hostile values; the read-back;
storing exactly once on SQLite and PostgreSQL; an unreachable database; no personal data in
logs."""

import asyncio
import hashlib
import logging
import time

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet

import actions.callback
from actions.callback import (
    ActionAskDetailsConfirmed,
    ActionEmergencyOrAnswer,
    ActionResetCallback,
    ActionStartCallback,
    ActionSubmitCallback,
    ValidateCallbackForm,
)
from bot.db import migrate
from bot.db.engine import make_engine, session_factory
from bot.intake import form as intake
from bot.leads.outbox import Outbox
from bot.leads.store import list_leads
from bot.settings import Settings
from tests.utils.factories import phone_for
from tests.utils.sdk import DETAILS, answer, form_run, run, tracker

HOSTILE = [
    "",
    "   ",
    "<script>alert(1)</script>",
    "'; DROP TABLE leads; --",
    "\x00\x07\x1b[31m",
    "a" * 5000,
]


async def validate(slot, value, domain, intent="inform", entities=None, slots=None):
    """(slot values the validation returned, responses and texts it sent)."""
    messages, events = await run(
        ValidateCallbackForm(), answer(slot, value, intent, entities, slots), domain
    )
    values = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    said = [m.get("response") or m.get("text") for m in messages]
    return values, said


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("617-555-0123", "+16175550123"),
        ("(617) 555 0123", "+16175550123"),
        ("+44 20 7946 0958", "+442079460958"),
        ("my number is 617.555.0123", "+16175550123"),
    ],
)
async def test_phone_is_stored_in_e164(domain, typed, stored):
    values, said = await validate("phone", typed, domain)
    assert values["phone"] == stored
    assert said == []


@pytest.mark.parametrize("typed", ["12345", "call me", "555-0123", *HOSTILE])
async def test_bad_phone_is_asked_again_with_a_reason(domain, typed):
    values, said = await validate("phone", typed, domain)
    assert values["phone"] is None
    assert len(said) == 1 and "number" in said[0]


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("  Maria   Lopez ", "Maria Lopez"),
        ("Zoë Ñúñez-O'Brien", "Zoë Ñúñez-O'Brien"),
        ("李小龙", "李小龙"),
        ("<b>Ann</b>", "Ann"),
    ],
)
async def test_name_is_cleaned(domain, typed, stored):
    values, said = await validate("caller_name", typed, domain)
    assert (values["caller_name"], said) == (stored, [])
    assert intake.REFUSED not in values


@pytest.mark.parametrize("typed", HOSTILE + ["Robert'); DROP TABLE leads;--", "call 555"])
async def test_bad_name_is_asked_again(domain, typed):
    values, said = await validate("caller_name", typed, domain)
    assert values["caller_name"] is None
    assert len(said) == 1 and "name" in said[0].lower()
    assert values[intake.REFUSED] is True  # the re-ask skips the preamble


@pytest.mark.parametrize(
    "typed, intent, stored",
    [
        ("Maria@Example.com", "inform", "Maria@example.com"),
        ("no@example.org", "inform", "no@example.org"),  # a real address, not a "no"
        ("skip", "inform", intake.EMAIL_SKIPPED),
        ("no thanks", "deny", intake.EMAIL_SKIPPED),
        ("I don't have one", "inform", intake.EMAIL_SKIPPED),
    ],
)
async def test_email_is_checked_or_skipped(domain, typed, intent, stored):
    values, said = await validate("email", typed, domain, intent=intent)
    assert (values["email"], said) == (stored, [])


@pytest.mark.parametrize(
    "typed", ["maria at example", "<script>@x.com", "a@b", "x" * 300 + "@example.com"]
)
async def test_bad_email_is_asked_again(domain, typed):
    values, said = await validate("email", typed, domain)
    assert values["email"] is None
    assert len(said) == 1 and "email" in said[0].lower()


async def test_preferred_time_is_free_text_limited_in_length(domain):
    assert (await validate("preferred_time", "after 3pm <i>please</i>", domain))[0] == {
        "preferred_time": "after 3pm please"
    }
    for typed in ("", "x" * 101, "\x00\x01"):
        values, said = await validate("preferred_time", typed, domain)
        assert values["preferred_time"] is None and len(said) == 1


@pytest.mark.parametrize(
    "typed, intent, stored",
    [
        ("yes", "affirm", "yes"),
        ("/affirm", "affirm", "yes"),
        ("no", "deny", "no"),
        ("not sure", "inform", "not_sure"),
        ("I don't know yet", "inform", "not_sure"),
        ("yes, diagnosed in May", "inform", "yes"),
        ("not diagnosed yet", "inform", "no"),
        ("not sure", "deny", "not_sure"),
        ("we're still waiting on biopsy results", "inform", "not_sure"),
        ("i already have a diagnosis", "inform", "yes"),
    ],
)
async def test_diagnosis_status(domain, typed, intent, stored):
    assert (await validate("diagnosis_status", typed, domain, intent=intent))[0] == {
        "diagnosis_status": stored
    }


@pytest.mark.parametrize("typed", ["banana", "<script>", ""])
async def test_unclear_diagnosis_status_is_asked_again(domain, typed):
    values, said = await validate("diagnosis_status", typed, domain)
    assert values["diagnosis_status"] is None and said == ["Please answer yes, no or not sure."]


@pytest.mark.parametrize(
    "typed, intent, stored",
    [
        ("appointment", "request_appointment", "appointment"),
        ("second_opinion", "request_second_opinion", "second_opinion"),
        ("for a second opinion please", "inform", "second_opinion"),
        ("diagnostic testing", "inform", "appointment"),
        ("banana", "inform", None),
    ],
)
async def test_reason(domain, typed, intent, stored):
    values = (await validate("callback_reason", typed, domain, intent=intent))[0]
    assert values["callback_reason"] == stored
    assert values.get(intake.REFUSED) is (True if stored is None else None)


async def test_a_new_request_typed_instead_of_a_detail_is_not_taken_as_the_detail(domain):
    values, said = await validate(
        "caller_name", "I want a second opinion", domain, intent="request_second_opinion"
    )
    assert values["caller_name"] is None and said == []


async def test_read_back_yes_confirms(domain):
    values, said = await validate("details_confirmed", "/affirm", domain, intent="affirm")
    assert values == {"details_confirmed": True} and said == []


@pytest.mark.parametrize(
    "typed, entities, field",
    [
        ('/inform{"detail": "phone"}', [{"entity": "detail", "value": "phone"}], "phone"),
        ("no, the phone number is wrong", [], "phone"),
        ("my email is misspelled", [], "email"),
        ("please fix the name", [], "caller_name"),
        ("the time is wrong", [], "preferred_time"),
    ],
)
async def test_read_back_correction_empties_one_field_and_reads_back_again(
    domain, typed, entities, field
):
    values, said = await validate("details_confirmed", typed, domain, entities=entities)
    assert values == {field: None, "details_confirmed": None}
    assert said == ["utter_will_change"]


@pytest.mark.parametrize(
    "typed, intent, field, value",
    [
        ("no the phone is wrong, its 617 555 0177", "deny", "phone", "+16175550177"),
        ("change the time to evenings", "inform", "preferred_time", "evenings"),
        ("the email should be rosa.d@example.org", "inform", "email", "rosa.d@example.org"),
        ("the name should be Jon Smyth", "inform", "caller_name", "Jon Smyth"),
    ],
)
async def test_a_correction_that_carries_the_new_value_takes_it(
    domain, typed, intent, field, value
):
    values, said = await validate("details_confirmed", typed, domain, intent=intent)
    assert values == {field: value, "details_confirmed": None} and said == []


@pytest.mark.parametrize(
    "typed",
    ["yes, that's the right phone number", "yes the email is fine", "name and time look right"],
)
async def test_a_yes_that_names_a_field_confirms(domain, typed):
    values, said = await validate("details_confirmed", typed, domain, intent="affirm")
    assert values == {"details_confirmed": True} and said == []


@pytest.mark.parametrize("typed", ["hmm", "<script>", ""])
async def test_unclear_read_back_answer_is_asked_again(domain, typed):
    values, said = await validate("details_confirmed", typed, domain)
    assert values == {"details_confirmed": None} and said == ["utter_confirm_unclear"]


@pytest.mark.parametrize(
    "typed, intent, consent, said",
    [
        ("/affirm", "affirm", True, []),
        ("yes I agree", "inform", True, []),
        ("wait, i changed my mind, i agree", "affirm", True, []),
        ("/deny", "deny", False, []),
        ("no", "inform", False, []),
        ("hmm", "inform", None, ["utter_consent_unclear"]),
        ("what for?", "inform", None, ["utter_question_in_form"]),
    ],
)
async def test_consent_needs_a_clear_answer(domain, typed, intent, consent, said):
    rechecked = {intake.RECHECKED: True}  # the first "no" was already asked again
    assert await validate("consent", typed, domain, intent=intent, slots=rechecked) == (
        {"consent": consent},
        said,
    )


async def test_a_first_no_to_consent_is_asked_once_more_before_anything_is_deleted(domain):
    values, said = await validate("consent", "no", domain, intent="deny")
    assert values == {"consent": None, intake.RECHECKED: True} and said == []
    again, _ = await validate("consent", "no", domain, intent="deny", slots=values)
    assert again == {"consent": False}


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("my name is Ann Lee", "Ann Lee"),
        ("it's for my mom, her name is Rosa Díaz", "Rosa Díaz"),
        ("this is Kofi Mensah", "Kofi Mensah"),
        ("call me Bo", "Bo"),
        ("Faith Hill", "Faith Hill"),
        ("Will Payne", "Will Payne"),
        ("im maria gonzalez", "maria gonzalez"),
        ("Seán Ó Briain (his son)", "Seán Ó Briain"),
        ("नरेंद्र", "नरेंद्र"),
        ("Kaʻiulani Kealoha", "Kaʻiulani Kealoha"),
    ],
)
async def test_the_name_is_taken_without_the_words_around_it(domain, typed, stored):
    values, said = await validate("caller_name", typed, domain)
    assert (values["caller_name"], said) == (stored, [])


@pytest.mark.parametrize(
    "slot, typed, intent, said",
    [
        ("caller_name", "do i need a referral", "out_of_scope", ["utter_question_in_form"]),
        (
            "phone",
            "can i send you my scans and records",
            "nlu_fallback",
            ["utter_question_in_form"],
        ),
        ("email", "is it painful?", "ask_pain", ["utter_ask_pain"]),
        ("preferred_time", "im so scared", "express_feelings", ["utter_feelings"]),
    ],
)
async def test_a_question_at_a_detail_is_answered_and_the_detail_asked_again(
    domain, slot, typed, intent, said
):
    values, sent = await validate(slot, typed, domain, intent=intent)
    assert values == {slot: None, intake.REFUSED: True} and sent == said


async def test_a_net_question_at_a_detail_gets_its_answer(domain):
    message = answer("phone", "what should i bring to the first visit?", "faq")
    message.latest_message["response_selector"] = {
        "faq": {
            "response": {
                "intent_response_key": "faq/first_visit",
                "utter_action": "utter_faq/first_visit",
            }
        }
    }
    messages, events = await run(ValidateCallbackForm(), message, domain)
    assert [m["response"] for m in messages] == ["utter_faq/first_visit"]
    assert {e["name"]: e["value"] for e in events if e["event"] == "slot"}["phone"] is None


async def test_read_back_shows_every_detail_and_a_change_button_for_each(domain):
    messages, events = await run(
        ActionAskDetailsConfirmed(), tracker({**DETAILS, "email": intake.EMAIL_SKIPPED}), domain
    )
    assert events == []
    [message] = messages
    for shown in (
        "a second opinion",
        "Maria Lopez",
        "(617) 555-0123",
        "(none)",
        "weekday mornings",
        "not sure",
    ):
        assert shown in message["text"]
    payloads = [b["payload"] for b in message["buttons"]]
    assert payloads[0] == "/affirm"
    assert '/inform{"detail": "phone"}' in payloads and len(payloads) == 7


# --- storing -----------------------------------------------------------------------------


@pytest.fixture
def storage(settings_env, tmp_path):
    """Point the action server's storage at a database and an outbox of the test's own."""

    def use(url):
        settings_env(database_url=url, outbox_path=tmp_path / "outbox.sqlite")
        actions.callback._storage.cache_clear()
        return Outbox(tmp_path / "outbox.sqlite")

    yield use
    actions.callback._storage.cache_clear()


def form_tracker(**form):
    return Tracker.from_dict(form_run(**form))


def count_leads(url) -> int:
    engine = make_engine(url)
    try:
        return len(list_leads(session_factory(engine)))
    finally:
        engine.dispose()


async def test_submit_stores_one_lead_and_confirms_without_echoing_contact_details(
    domain, storage, database_url
):
    migrate.upgrade(database_url)
    storage(database_url)
    messages, events = await run(ActionSubmitCallback(), form_tracker(), domain)

    engine = make_engine(database_url)
    [lead] = list_leads(session_factory(engine))
    engine.dispose()
    assert (lead.reason, lead.name, lead.phone, lead.email, lead.diagnosis_status) == (
        "second_opinion",
        "Maria Lopez",
        "+16175550123",
        "maria@example.com",
        "not_sure",
    )
    assert lead.conversation_id == "conv-1" and lead.notice_version == intake.NOTICE_VERSION
    assert lead.status == "new" and lead.consent_at is not None
    [message] = messages
    assert message["response"] == "utter_callback_stored"
    assert message["reference"] == lead.reference and message["phone_hint"] == "23"
    assert "6175550123" not in str(message) and "maria@example.com" not in str(message)
    # Personal details leave the conversation state.
    assert events == [SlotSet(slot, None) for slot in intake.FORM_SLOTS]


async def test_retried_and_concurrent_submits_of_one_form_run_store_one_lead(
    domain, storage, database_url
):
    migrate.upgrade(database_url)
    storage(database_url)
    results = await asyncio.gather(
        *(run(ActionSubmitCallback(), form_tracker(), domain) for _ in range(8))
    )
    references = {messages[0]["reference"] for messages, _ in results}
    assert len(references) == 1
    assert count_leads(database_url) == 1
    # The next form run in the same conversation, for something else, is a new request.
    later = form_tracker(started=1764000900.5, callback_reason="appointment")
    await run(ActionSubmitCallback(), later, domain)
    assert count_leads(database_url) == 2


@pytest.mark.parametrize(
    "slot, value, field",
    [
        ("caller_name", "<img src=x onerror=alert(1)>", "name"),
        ("preferred_time", "=cmd|' /C calc'!A0", "preferred_time"),
        ("email", "a" * 5000, "email"),
        ("phone", None, "phone"),
    ],
)
async def test_a_forged_submit_with_values_the_form_refuses_stores_nothing(
    domain, storage, tmp_path, caplog, slot, value, field
):
    """The action server runs whatever slots a call carries; the lead service checks them
    again, and the visitor (if there is one) is told that nothing was kept."""
    url = f"sqlite:///{tmp_path / 'leads.db'}"
    migrate.upgrade(url)
    outbox = storage(url)
    messages, events = await run(ActionSubmitCallback(), form_tracker(**{slot: value}), domain)
    assert [m["response"] for m in messages] == ["utter_callback_not_stored"]
    assert count_leads(url) == 0 and outbox.count() == 0
    assert events == [SlotSet(slot, None) for slot in intake.FORM_SLOTS]
    assert f"refused: the {field} " in caplog.text and str(value) not in caplog.text


async def submitted(domain, **form):
    """What the submit action sent for one consented form run."""
    messages, _ = await run(ActionSubmitCallback(), form_tracker(**form), domain)
    return messages


async def test_the_client_key_comes_from_the_messages_metadata(domain, storage, tmp_path):
    url = f"sqlite:///{tmp_path / 'leads.db'}"
    migrate.upgrade(url)
    storage(url)
    await submitted(domain, sender_id="website-visitor", client="c0ffee")
    await submitted(domain, sender_id="rest-visitor", phone=phone_for(1))  # no metadata
    engine = make_engine(url)
    keys = {lead.conversation_id: lead.client_key for lead in list_leads(session_factory(engine))}
    engine.dispose()
    assert keys == {
        "website-visitor": hashlib.sha256(b"c0ffee").hexdigest(),
        "rest-visitor": None,
    }


async def test_over_a_limit_the_visitor_is_asked_to_call_and_nothing_is_stored(
    domain, storage, database_url
):
    migrate.upgrade(database_url)
    storage(database_url)
    # Three requests (for three numbers) from one conversation.
    said = []
    for n in range(3):
        [message] = await submitted(domain, started=1764000000.0 + 900 * n, phone=phone_for(n))
        said.append(message["response"])
    assert said == ["utter_callback_stored"] * 2 + ["utter_request_limit"]
    # Six conversations from one client within the hour.
    said = []
    for n in range(6):
        [message] = await submitted(
            domain, sender_id=f"v{n}", client="one-client", phone=phone_for(10 + n)
        )
        said.append(message["response"])
    assert said == ["utter_callback_stored"] * 5 + ["utter_request_limit"]
    assert count_leads(database_url) == 2 + 5


def test_the_limit_message_gives_the_centers_phone_number(domain):
    [variant] = domain["responses"]["utter_request_limit"]
    assert "{center_phone}" in variant["text"] and "{center_hours}" in variant["text"]


async def test_the_same_request_twice_is_one_lead_with_one_reference(domain, storage, database_url):
    migrate.upgrade(database_url)
    storage(database_url)
    [first] = await submitted(domain, sender_id="morning-chat")
    [second] = await submitted(domain, sender_id="evening-chat")
    assert first["response"] == second["response"] == "utter_callback_stored"
    assert first["reference"] == second["reference"]
    assert count_leads(database_url) == 1


async def test_no_consent_stores_nothing(domain, storage, tmp_path):
    url = f"sqlite:///{tmp_path / 'leads.db'}"
    migrate.upgrade(url)
    outbox = storage(url)
    messages, events = await run(ActionSubmitCallback(), form_tracker(consent=False), domain)
    assert [m["response"] for m in messages] == ["utter_callback_not_stored"]
    assert count_leads(url) == 0 and outbox.count() == 0
    assert events == [SlotSet(slot, None) for slot in intake.FORM_SLOTS]


async def test_unreachable_database_parks_the_request_and_tells_the_visitor(
    domain, storage, tmp_path
):
    # Nothing listens on port 1: the connection is really refused, nothing is mocked.
    outbox = storage("postgresql+psycopg2://postgres@127.0.0.1:1/net")
    messages, _ = await run(ActionSubmitCallback(), form_tracker(), domain)
    assert [m["response"] for m in messages] == ["utter_callback_parked"]
    assert outbox.count() == 1

    # When a database is reachable again, draining writes it exactly once.
    url = f"sqlite:///{tmp_path / 'leads.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    assert outbox.drain(session_factory(engine)) == 1
    engine.dispose()
    assert outbox.count() == 0 and count_leads(url) == 1


@pytest.mark.parametrize("reachable", [True, False], ids=["database-up", "database-down"])
async def test_a_submit_the_rasa_server_stopped_waiting_for_keeps_nothing(
    domain, storage, tmp_path, reachable
):
    """The Rasa server waits action_call_timeout_s for a call and then tells the visitor
    nothing was sent: a call still running after that stores nothing and parks nothing."""
    url = f"sqlite:///{tmp_path / 'leads.db'}"
    migrate.upgrade(url)
    outbox = storage(url if reachable else "postgresql+psycopg2://postgres@127.0.0.1:1/net")
    late = form_tracker(consented_at=time.time() - Settings().action_call_timeout_s)
    messages, _ = await run(ActionSubmitCallback(), late, domain)
    assert [m["response"] for m in messages] == ["utter_callback_not_stored"]
    assert count_leads(url) == 0 and outbox.count() == 0


async def test_no_personal_data_in_logs(domain, storage, tmp_path, caplog):
    url = f"sqlite:///{tmp_path / 'leads.db'}"
    migrate.upgrade(url)
    storage(url)
    caplog.set_level(logging.INFO)
    await run(ActionSubmitCallback(), form_tracker(), domain)
    await validate("phone", "617-555-0123", domain)
    await validate("caller_name", "Maria Lopez", domain)
    assert caplog.records, "the submit should log that a lead was stored"
    for personal in ("Maria", "Lopez", "555", "maria@example.com", "weekday mornings"):
        assert personal not in caplog.text


async def test_reset_empties_every_form_slot(domain):
    _, events = await run(ActionResetCallback(), tracker(DETAILS), domain)
    assert events == [SlotSet(slot, None) for slot in intake.FORM_SLOTS]


@pytest.mark.parametrize(
    "intent, reason",
    [
        ("request_appointment", "appointment"),
        ("request_second_opinion", "second_opinion"),
        ("request_callback", None),
    ],
)
async def test_a_new_request_starts_empty_but_for_its_reason(domain, intent, reason):
    earlier = {**DETAILS, "details_confirmed": True}
    message = {"text": "call me", "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    _, events = await run(
        ActionStartCallback(), tracker(slots=earlier, latest_message=message), domain
    )
    values = {e["name"]: e["value"] for e in events}
    assert values.pop(intake.REASON) == reason
    assert set(values) == set(intake.FORM_SLOTS) - {intake.REASON}
    assert all(value is None for value in values.values())


@pytest.mark.parametrize("typed, intent", [("i agree", "deny"), ("yes i agree", "inform")])
async def test_agreement_in_words_wins_over_the_classifier(domain, typed, intent):
    values, _ = await validate(
        "consent", typed, domain, intent=intent, slots={intake.RECHECKED: True}
    )
    assert values == {"consent": True}


async def test_a_name_framed_as_a_name_is_taken_whatever_the_intent(domain):
    values, said = await validate("caller_name", "call me Grace", domain, intent="request_callback")
    assert (values["caller_name"], said) == ("Grace", [])


async def test_a_name_the_classifier_took_for_a_question_is_still_a_name(domain):
    message = answer("caller_name", "Ernest Hurt", "ask_pain")
    message.latest_message["intent"]["confidence"] = 0.95
    messages, events = await run(ValidateCallbackForm(), message, domain)
    assert messages == []
    assert {e["name"]: e["value"] for e in events if e["event"] == "slot"}["caller_name"] == (
        "Ernest Hurt"
    )


@pytest.mark.parametrize("typed", ["yes in the pancreas", "sí, en el páncreas"])
async def test_a_diagnosis_that_names_a_site_is_an_answer_not_a_site_question(domain, typed):
    message = answer("diagnosis_status", typed, "ask_about_site")
    message.latest_message["intent"]["confidence"] = 0.95
    messages, events = await run(ValidateCallbackForm(), message, domain)
    assert messages == []
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["diagnosis_status"] == "yes"


async def test_a_phone_number_inside_words_is_found(domain):
    values, said = await validate(
        "phone", "you can reach me at +1 (773) 555-0131, its my cell", domain
    )
    assert (values["phone"], said) == ("+17735550131", [])


async def test_asking_to_change_a_detail_at_the_read_back_is_a_change_not_a_question(domain):
    values, said = await validate("details_confirmed", "can you change the time", domain)
    assert values == {"preferred_time": None, "details_confirmed": None}
    assert said == ["utter_will_change"]


def _in_doubt(slot, text, slots=None):
    """The tracker after an emergency in doubt typed where the form asked for `slot`."""
    doubt = [{"entity": "safety_doubt", "value": "model"}]
    message = {"text": text, "intent": {"name": "emergency", "confidence": 1.0}, "entities": doubt}
    return tracker(
        slots={**(slots or {}), "requested_slot": slot},
        latest_message=message,
        events=[{"event": "user", **message}],
    )


@pytest.mark.parametrize(
    "slot, typed, value",
    [
        ("caller_name", "my husband, Tuan Le", "Tuan Le"),
        ("caller_name", "Faith Hill", "Faith Hill"),
        ("phone", "617 555 0166", "+16175550166"),
        ("diagnosis_status", "no estoy segura", "not_sure"),
        ("email", "no tengo", intake.EMAIL_SKIPPED),
        ("preferred_time", "between 10 and 2", "between 10 and 2"),
    ],
)
async def test_an_alarm_in_doubt_that_answers_the_question_is_the_answer(
    domain, slot, typed, value
):
    messages, events = await run(ActionEmergencyOrAnswer(), _in_doubt(slot, typed), domain)
    assert SlotSet(slot, value) in events and events[-1] == FollowupAction("callback_form")
    assert [m.get("response") for m in messages] == []


@pytest.mark.parametrize(
    "slot, typed",
    [
        # Not an answer to the question asked: the emergency it may be.
        ("caller_name", "everyone would be better off without me"),
        ("diagnosis_status", "im not sure i want to be here anymore honestly"),
        ("preferred_time", "whenever, i wont be around much longer"),
        ("phone", "Ambulance"),
        ("details_confirmed", "i cant do this anymore, no one would even notice"),
        ("consent", "no point anymore, i wont be around to take the call"),
    ],
)
async def test_an_alarm_in_doubt_that_is_no_answer_takes_over(domain, slot, typed):
    messages, events = await run(ActionEmergencyOrAnswer(), _in_doubt(slot, typed, DETAILS), domain)
    assert [m.get("response") for m in messages] == ["utter_emergency"]
    assert ActiveLoop(None) in events
    # Nothing typed for the request stays: the same as after "stop".
    assert all(SlotSet(s, None) in events for s in intake.FORM_SLOTS)


@pytest.mark.parametrize(
    "slot, typed, expected",
    [
        ("details_confirmed", "yes", {"details_confirmed": True}),
        ("details_confirmed", "el teléfono está mal", {"phone": None, "details_confirmed": None}),
        ("consent", "sí", {"consent": True}),
    ],
)
async def test_an_alarm_in_doubt_at_the_read_back_or_consent_is_read_as_the_answer(
    domain, slot, typed, expected
):
    _, events = await run(ActionEmergencyOrAnswer(), _in_doubt(slot, typed, DETAILS), domain)
    assert [SlotSet(k, v) for k, v in expected.items()] == events[:-1]
    assert events[-1] == FollowupAction("callback_form")


@pytest.mark.parametrize(
    "slot, value",
    [("details_confirmed", True), ("consent", False), ("phone", None), ("caller_name", None)],
)
async def test_a_value_already_decided_is_kept_when_the_sdk_validates_it_again(domain, slot, value):
    values, said = await validate(slot, value, domain, intent="emergency", slots=DETAILS)
    assert values[slot] is value and said == []
