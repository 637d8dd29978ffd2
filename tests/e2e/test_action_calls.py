"""Calls to the running topology's action server that do not come from its Rasa server:
without the secret nothing runs; with it, a flood stops at the lead service's limits."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.test_server import leads_of, stored_leads
from tests.utils.chat import SETTINGS
from tests.utils.factories import phone_for
from tests.utils.http import send
from tests.utils.sdk import submit_call

pytestmark = pytest.mark.server


def call_action_server(body, headers):
    status, _, answer = send(f"{SETTINGS.action_server_url}/webhook", body, headers)
    return status, answer


def test_a_forged_call_without_the_secret_stores_nothing_and_the_chat_goes_on(topology, visitor):
    status, _ = call_action_server(submit_call(sender_id="forged-e2e"), {})
    assert status == 401
    assert leads_of("forged-e2e") == []
    # Rasa's own calls carry the secret: the form still reaches the action server.
    assert "name" in visitor.say("I'd like an appointment").lower()
    assert "phone" in visitor.say("Maria Lopez").lower()


def test_a_flood_with_the_secret_stops_at_the_limits_and_the_next_visitor_is_served(visitor):
    """Were the secret to leak, a flood through the action server still stops at the lead
    service's limits: requests of forty conversations from four clients (the website
    channel's metadata), five from one conversation, and one request sent twice."""
    secret = {"Authorization": f"Bearer {SETTINGS.action_server_secret()}"}

    def submit(number, **form):
        status, answer = call_action_server(submit_call(phone=phone_for(number), **form), secret)
        assert status == 200, answer
        [response] = answer["responses"]
        return response

    with ThreadPoolExecutor(max_workers=8) as pool:
        flood = list(
            pool.map(
                lambda n: submit(n, sender_id=f"flood-{n}", client=f"client-{n % 4}"), range(40)
            )
        )
    said = Counter(response["response"] for response in flood)
    stored, limited = "utter_callback_stored", "utter_request_limit"
    assert said == {stored: 20, limited: 20}
    runs = [submit(50 + n, sender_id="one-chat", started=1764000000.0 + n) for n in range(5)]
    assert [response["response"] for response in runs] == [stored] * 2 + [limited] * 3
    twice = [submit(60, sender_id=f"twice-{n}") for n in range(2)]
    assert twice[0]["reference"] == twice[1]["reference"]

    leads = [
        lead
        for lead in stored_leads()
        if lead.conversation_id.startswith(("flood-", "one-chat", "twice-"))
    ]
    assert len(leads) == 20 + 2 + 1
    assert set(Counter(lead.client_key for lead in leads if lead.client_key).values()) == {5}

    # A visitor's own request goes through as always.
    for text in ("I'd like an appointment", "Rosa Diaz", "503 555 0177", "skip", "mornings"):
        visitor.say(text)
    visitor.say("yes")
    assert "agree" in visitor.say("yes").lower()
    confirmation = visitor.say("yes")
    assert "reference" in confirmation.lower() and "ending in 77" in confirmation
    assert [lead.name for lead in leads_of(visitor.sender)] == ["Rosa Diaz"]
