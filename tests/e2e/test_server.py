"""The real topology (Rasa server, action server, web service) over HTTP, as a visitor uses it."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from bot.db.engine import make_engine, session_factory
from bot.leads.store import list_leads
from bot.settings import ROOT
from tests.utils.chat import PHONE, SETTINGS, Visitor, post

pytestmark = pytest.mark.server


def answer_text(domain, key):
    [variant] = domain["responses"][key]
    return variant["text"].split("{")[0][:80]


def test_answers_what_is_prrt(visitor, domain):
    reply = visitor.say("what is PRRT?")
    assert answer_text(domain, "utter_faq/prrt") in reply
    assert "not medical advice" in reply  # said once, with the first answer
    second = visitor.say("how are nets diagnosed")
    assert answer_text(domain, "utter_faq/diagnosis") in second
    assert "not medical advice" not in second


def test_greeting_says_what_it_can_do_and_that_it_is_not_advice(visitor):
    reply = visitor.say("hello")
    assert "Test NET Program" in reply and "not medical advice" in reply


def test_handoff_gives_the_phone_number_from_settings(visitor):
    reply = visitor.say("can i talk to a real person please")
    assert PHONE in reply and "weekdays 9 to 5" in reply


@pytest.mark.parametrize("text", ["I can't breathe", "i want to end my life"])
def test_emergency_at_once_with_911_and_988(visitor, text):
    reply = visitor.say(text)
    assert "911" in reply and "988" in reply


def test_emergency_in_the_middle_of_a_conversation(visitor):
    visitor.say("hi")
    visitor.say("what causes neuroendocrine tumors")
    reply = visitor.say("my wife just collapsed and is not breathing")
    assert "911" in reply and "988" in reply
    assert "causes" not in reply.lower()


def test_out_of_scope_is_an_honest_cannot_answer(visitor):
    reply = visitor.say("who won the football game last night")
    assert "can't answer that" in reply
    assert PHONE in reply


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "<script>alert('x')</script><b>hi</b>",
        "'; DROP TABLE leads; --",
        "what is\x00 prrt\x07\x1b[31m",
        "¿Qué es un tumor neuroendocrino? 神经内分泌肿瘤 🙏 مرحبا",
        "my mother has a net in her pancreas " * 150,
    ],
    ids=["empty", "blank", "html", "sql", "control-chars", "unicode", "5400-chars"],
)
def test_hostile_or_odd_input_gets_a_reply_and_the_server_stays_up(visitor, text):
    status, replies = post(json.dumps({"sender": visitor.sender, "message": text}).encode())
    assert status == 200
    assert replies and all("text" in r or "custom" in r for r in replies)
    assert "911" in visitor.say("i have crushing chest pain")  # still answering


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"{not json", "application/json"),
        (b"", "text/plain"),
        (b"", "application/json"),
        (b"null", "application/json"),
        (b"[]", "application/json"),
        (b"[1, 2]", "application/json"),
        (b'{"message": "hi"}', "application/json"),
        (b'{"sender": 7, "message": "hi"}', "application/json"),
        (b'{"sender": "abc", "message": ["hi"]}', "application/json"),
    ],
)
def test_malformed_bodies_are_refused_with_a_reason(topology, body, content_type):
    status, answer = post(body, content_type)
    assert status == 400
    said = json.dumps(answer).lower()
    assert "sender" in said or "json" in said


def test_a_huge_body_is_refused_and_the_server_stays_up(topology):
    assert post(json.dumps({"sender": "x", "message": "a" * 200_000}).encode())[0] == 413
    assert "911" in Visitor().say("he's unconscious")


def test_web_service_reports_the_topology_healthy(topology):
    with urllib.request.urlopen(f"http://{SETTINGS.host}:{SETTINGS.web_port}/healthz") as r:
        assert json.loads(r.read()) == {"web": True, "rasa": True, "actions": True}


def queue_json():
    """What staff tooling sees: `python -m bot queue list --format json` on the same database
    (without contact details, and without the conversation a lead came from)."""
    out = subprocess.run(
        [sys.executable, "-m", "bot", "queue", "list", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ),
        cwd=ROOT,
    ).stdout
    return json.loads(out)


def stored_leads():
    """Every lead in the topology's database (staff tooling shows no conversation ids)."""
    engine = make_engine(os.environ["DATABASE_URL"])
    try:
        return list_leads(session_factory(engine))
    finally:
        engine.dispose()


def leads_of(conversation):
    """The leads a conversation stored, from the topology's database."""
    return [lead for lead in stored_leads() if lead.conversation_id == conversation]


def test_callback_request_over_http_is_stored_once_as_a_lead(visitor, topology):
    assert "name" in visitor.say("I'd like an appointment").lower()
    assert "phone" in visitor.say("Maria Lopez").lower()
    # A bad number is asked again, with the reason; nothing moves on.
    assert "phone number" in visitor.say("12345").lower()
    assert "email" in visitor.say("(617) 555-0123").lower()
    # A question in the middle is answered, then the form asks for the email again.
    reply = visitor.say("what is PRRT?")
    assert "PRRT" in reply and "email" in reply.lower()
    assert "time" in visitor.say("skip").lower()
    assert "diagnosis" in visitor.say("weekday mornings").lower()
    read_back = visitor.say("not sure")
    assert "Maria Lopez" in read_back and "(617) 555-0123" in read_back
    # Correct one field at the read-back.
    assert "when" in visitor.say("the time is wrong").lower()
    read_back = visitor.say("after 3pm")
    assert "after 3pm" in read_back
    assert "agree" in visitor.say("yes").lower()
    confirmation = visitor.say("yes")
    assert "reference" in confirmation.lower() and "ending in 23" in confirmation
    assert "555-0123" not in confirmation and "6175550123" not in confirmation

    [lead] = leads_of(visitor.sender)
    assert (lead.reason, lead.name, lead.phone, lead.email) == (
        "appointment",
        "Maria Lopez",
        "+16175550123",
        None,
    )
    assert (lead.preferred_time, lead.diagnosis_status, lead.status) == (
        "after 3pm",
        "not_sure",
        "new",
    )
    assert lead.reference in confirmation
    assert lead.reference in [row["reference"] for row in queue_json()]

    # The details are gone from the conversation: a new request starts from the beginning.
    assert "name" in visitor.say("I also want a second opinion").lower()

    # No personal data in any service's log (they run at INFO).
    logs = "".join(p.read_text(errors="replace") for p in topology.log_dir.glob("*.log"))
    for personal in ("Maria", "Lopez", "555-0123", "6175550123", "after 3pm"):
        assert personal not in logs


def test_a_refused_name_is_asked_again_without_the_preamble(visitor):
    first = visitor.say("I'd like an appointment")
    assert "I'll take a few details" in first
    again = visitor.say("<script>alert(1)</script>")
    assert "name" in again.lower() and "I'll take a few details" not in again


def test_stop_inside_the_form_stores_nothing_and_nothing_comes_back(visitor):
    visitor.say("can I get a second opinion")
    visitor.say("Sam Doe")
    assert "stop" in visitor.say("stop").lower()
    # A new request after "stop" starts again from the first question: what was typed before
    # the stop is gone, the reason too.
    assert "second opinion" in visitor.say("ok actually yes please call me").lower()
    assert "name" in visitor.say("a second opinion").lower()
    visitor.say("Ann Lee")
    visitor.say("617 555 0101")
    visitor.say("skip")
    visitor.say("any time")
    read_back = visitor.say("not sure")
    assert "Ann Lee" in read_back and "Sam Doe" not in read_back
    assert leads_of(visitor.sender) == []


def test_emergency_inside_the_form_wins(visitor):
    visitor.say("I'd like an appointment")
    reply = visitor.say("my husband collapsed and is not breathing")
    assert "911" in reply and "988" in reply


def test_a_new_session_does_not_carry_the_last_visitors_details(visitor):
    visitor.say("I'd like an appointment")
    assert "phone" in visitor.say("Maria Lopez").lower()
    visitor.say("/session_start")  # what session expiry does after 30 idle minutes
    assert "name" in visitor.say("I'd like an appointment").lower()
