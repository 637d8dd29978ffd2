"""Calls to the running topology's action server that do not come from its Rasa server."""

import json
import urllib.error
import urllib.request

import pytest

from tests.e2e.test_server import queue_json
from tests.utils.chat import SETTINGS
from tests.utils.sdk import submit_call

pytestmark = pytest.mark.server


def call_action_server(body, headers):
    request = urllib.request.Request(
        f"{SETTINGS.action_server_url}/webhook",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_a_forged_call_without_the_secret_stores_nothing_and_the_chat_goes_on(topology, visitor):
    status, _ = call_action_server(submit_call(sender_id="forged-e2e"), {})
    assert status == 401
    assert [lead for lead in queue_json() if lead["conversation_id"] == "forged-e2e"] == []
    # Rasa's own calls carry the secret: the form still reaches the action server.
    assert "name" in visitor.say("I'd like an appointment").lower()
    assert "phone" in visitor.say("Maria Lopez").lower()
