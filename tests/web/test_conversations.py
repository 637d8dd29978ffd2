"""A request's conversation on its own staff page, and the "Not an emergency" mark on the
messages the assistant answered with 911/988, over real HTTP with the stand-in chat server
(tests/utils/chat_server.py): signed-in staff only, CSRF, escaping, the mark's way to the
admins' unanswered page without personal data."""

import re

import requests

from bot.unanswered import store
from tests.utils.conversations import answer, takeover
from tests.utils.staff_web import csrf, sign_in

TYPED = "my name is Robert Kowalski, i <b>fainted</b>, call 617-555-0187 is it the octreotide"


def with_conversation(service):
    lead = service["leads"][0]
    service["chat_calls"].transcripts[lead.conversation_id] = [
        *answer("what is octreotide"),
        *takeover(TYPED),
    ]
    return lead


def conversation_url(service, lead):
    return f"{service['url']}/staff/leads/{lead.reference}/conversation"


def mark_url(page_text, service):
    action = re.search(r'action="(/staff/leads/[^"]+/not-emergency)"', page_text).group(1)
    return f"{service['url']}{action}"


def test_anonymous_is_sent_to_sign_in(service):
    lead = with_conversation(service)
    page = requests.get(conversation_url(service, lead), allow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/staff/login?next=")
    answer = requests.post(
        f"{conversation_url(service, lead)}/5/not-emergency", allow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"].startswith("/staff/login")
    assert store.open_entries(service["sessions"]) == []


def test_staff_read_it_escaped_with_a_mark_only_on_the_takeover(service):
    lead = with_conversation(service)
    staff = sign_in(service, "sam")
    assert (
        "Read the conversation" in staff.get(f"{service['url']}/staff/leads/{lead.reference}").text
    )
    page = staff.get(conversation_url(service, lead))
    assert page.status_code == 200
    assert "<b>fainted" not in page.text and "i &lt;b&gt;fainted&lt;/b&gt;" in page.text
    assert page.text.count("Not an emergency</button>") == 1
    assert "what is octreotide" in page.text
    # The id is short ("c0"): look for it as a word outside attributes, where the random
    # CSRF token would otherwise hold it now and then.
    shown = re.sub(r'="[^"]*"', "", page.text)
    assert not re.search(rf"\b{re.escape(lead.conversation_id)}\b", shown)


def test_the_mark_needs_the_csrf_token(service):
    lead = with_conversation(service)
    staff = sign_in(service, "sam")
    target = mark_url(staff.get(conversation_url(service, lead)).text, service)
    answer = staff.post(target)
    assert answer.status_code == 403 and "CSRF" in answer.text
    assert store.open_entries(service["sessions"]) == []


def test_a_mark_reaches_the_unanswered_page_scrubbed_and_only_once(service):
    lead = with_conversation(service)
    staff = sign_in(service, "sam")
    page = staff.get(conversation_url(service, lead)).text
    target = mark_url(page, service)
    token = csrf(staff, conversation_url(service, lead))
    marked = staff.post(target, data={"csrftoken": token})
    assert marked.status_code == 200 and "Marked not an emergency: the message" in marked.text
    assert "Not an emergency</button>" not in marked.text
    again = staff.post(target, data={"csrftoken": token})
    assert again.status_code == 409 and "already marked" in again.text
    history = staff.get(f"{service['url']}/staff/leads/{lead.reference}").text
    assert "sam · not an emergency · message" in history
    shown = sign_in(service, "ada").get(f"{service['url']}/staff/unanswered").text
    assert "false emergency (marked by staff)" in shown and "octreotide" in shown
    for detail in ("Robert", "Kowalski", "555-0187"):
        assert detail not in shown
    assert "the assistant's guess: emergency" in shown


def test_an_unreachable_chat_server_is_said(service):
    lead = with_conversation(service)
    staff = sign_in(service, "sam")
    target = mark_url(staff.get(conversation_url(service, lead)).text, service)
    token = csrf(staff, conversation_url(service, lead))
    service["chat_calls"].down = True
    page = staff.get(conversation_url(service, lead))
    assert page.status_code == 503 and "chat server did not answer" in page.text
    answer = staff.post(target, data={"csrftoken": token})
    assert answer.status_code == 503 and "chat server did not answer" in answer.text
    assert store.open_entries(service["sessions"]) == []


def test_a_conversation_already_deleted_shows_as_such(service):
    lead = service["leads"][0]
    page = sign_in(service, "sam").get(conversation_url(service, lead))
    assert page.status_code == 200 and "Nothing is left of this conversation" in page.text
