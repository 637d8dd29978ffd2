"""The website channel over HTTP, on a topology of its own (its flood caps are counted per
process): exact origins, conversations opened only by the token the server issued, history
only for its owner and without the details of a finished form, flood caps, bad bodies."""

import json
import os
import re
import urllib.error
import urllib.request
from typing import Any, Dict, Optional, Tuple

import pytest

from bot.chat.ownership import conversation_of
from bot.leads.conversations import ChatServer
from bot.settings import Settings
from tests.utils.chat import PHONE, SETTINGS, SITE
from tests.utils.cli import bot_command
from tests.utils.http import send

pytestmark = pytest.mark.server

PER_CONVERSATION = 12
# Above all this module's other calls from its one client (127.0.0.1), which a fast machine
# makes within one minute: only the client flooding test may reach it.
PER_CLIENT = 150
TOPOLOGY_ENV = {
    "CHAT_MESSAGES_PER_MINUTE": str(PER_CONVERSATION),
    "CHAT_CLIENT_MESSAGES_PER_MINUTE": str(PER_CLIENT),
}
WEBSITE = f"{SETTINGS.rasa_url}/webhooks/website"


def call(
    path: str,
    body: Any = None,
    token: Optional[str] = None,
    origin: Optional[str] = SITE,
    method: str = "POST",
    headers: Optional[Dict[str, str]] = None,
) -> Tuple[int, Dict[str, str], Any]:
    sent = dict(headers or {})
    if origin:
        sent["Origin"] = origin
    if token:
        sent["Authorization"] = f"Bearer {token}"
    return send(f"{WEBSITE}/{path}", body, sent, method)


def new_token() -> str:
    status, _, body = call("session")
    assert status == 200
    return str(body["token"])


def say(token: str, text: str) -> str:
    status, _, replies = call("webhook", {"message": text}, token)
    assert status == 200, (text, status, replies)
    return "\n".join(r.get("text", "") for r in replies)


def history(token: Optional[str], query: str = "") -> Tuple[int, Any]:
    status, _, lines = call(f"history{query}", token=token, method="GET")
    return status, lines


def test_answers_only_the_sites_exact_origin(topology):
    token = new_token()
    status, headers, replies = call("webhook", {"message": "what is PRRT?"}, token)
    assert status == 200 and "PRRT" in " ".join(r.get("text", "") for r in replies)
    assert headers["Access-Control-Allow-Origin"] == SITE
    for origin in (
        f"{SITE}.evil.example",
        SITE.replace("http:", "https:"),
        f"http://evil.example/{SITE}",
        "null",
        None,
    ):
        for path in ("session", "webhook"):
            status, headers, _ = call(path, {"message": "hi"}, token, origin=origin)
            assert status == 403, (origin, path)
            # A browser on that origin may not read the answer either.
            assert headers.get("Access-Control-Allow-Origin") in (
                None,
                SITE,
                SITE.replace(SETTINGS.host, "localhost"),
            )


def test_preflight_allows_the_token_header(topology):
    preflight = urllib.request.Request(
        f"{WEBSITE}/webhook",
        method="OPTIONS",
        headers={
            "Origin": SITE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    with urllib.request.urlopen(preflight, timeout=10) as response:
        assert response.headers["Access-Control-Allow-Origin"] == SITE
        assert "authorization" in response.headers["Access-Control-Allow-Headers"].lower()


def test_only_the_token_opens_a_conversation(topology):
    owner = new_token()
    assert "name" in say(owner, "I'd like an appointment").lower()
    assert "phone" in say(owner, "Maria Lopez").lower()
    conversation = conversation_of(owner, Settings().signing_secret())
    # Knowing the conversation's id gives nothing: it can be neither read nor continued.
    status, lines = history(None, f"?sender={conversation}")
    assert status == 403 and "Maria" not in json.dumps(lines)
    status, _, answer = call("webhook", {"sender": conversation, "message": "change time"})
    assert status == 403 and "Maria" not in json.dumps(answer)
    status, _, answer = call("webhook", {"message": "change time"}, token=conversation)
    assert status == 403
    # Nor does another token or none.
    status, lines = history(new_token())
    assert status == 200 and lines == []
    assert history(None)[0] == 401
    assert call("webhook", {"message": "hi"})[0] == 401
    # The owner's own conversation goes on where it was.
    status, lines = history(owner)
    assert status == 200 and lines[0] == {"from": "visitor", "text": "I'd like an appointment"}
    assert "phone" in lines[-1]["text"].lower()


def test_a_sent_requests_details_leave_the_history_and_deletion_takes_the_rest(topology):
    token = new_token()
    for text in (
        "I'd like an appointment",
        "Maria Lopez",
        "617 555 0123",
        "maria.lopez@example.com",
        "after 5",
        "yes",
        "yes",
    ):
        say(token, text)
    reply = say(token, "yes")
    assert "NET-" in reply  # stored as a lead, with its reference
    status, lines = history(token)
    shown = json.dumps(lines)
    assert status == 200 and "[details sent]" in shown
    for detail in ("Maria", "Lopez", "617", "0123", "maria.lopez", "after 5"):
        assert detail not in shown, detail
    # The person asks for deletion: the request goes, and the conversation with it.
    reference = re.search(r"NET-[A-Z0-9]+", reply).group(0)
    database = os.environ["DATABASE_URL"]
    added = bot_command(
        "staff",
        "add",
        "ada",
        "--role",
        "admin",
        "--password-stdin",
        database_url=database,
        stdin="correct horse battery\n" * 2,
    )
    assert added.returncode == 0, added.stderr
    env = {"RASA_URL": SETTINGS.rasa_url}
    deleted = bot_command(
        "queue", "delete", reference, "--as", "ada", database_url=database, env=env
    )
    assert deleted.returncode == 0, deleted.stderr
    assert history(token) == (200, [])


def test_staff_read_a_conversation_with_its_takeover_marked(topology):
    """The internal GET the web service reads a request's conversation with (the admin token
    only), the real Rasa events behind it: the emergency answer is recognised."""
    token = new_token()
    say(token, "what is PRRT?")
    assert "911" in say(token, "I can't breathe and my lips are turning blue")
    conversation = conversation_of(token, Settings().signing_secret())
    lines = ChatServer(SETTINGS).transcript(conversation)
    visitor = [(x.text, x.takeover, x.intent) for x in lines if x.speaker == "visitor"]
    assert visitor == [
        ("what is PRRT?", False, "faq"),
        ("I can't breathe and my lips are turning blue", True, "emergency"),
    ]
    status, _, body = call(f"conversations/{conversation}", token=token, method="GET")
    assert status == 403 and "lines" not in body  # the visitor's own token is not enough


def test_retention_deletes_idle_conversations(topology):
    token = new_token()
    say(token, "what is PRRT?")
    env = {"RASA_URL": SETTINGS.rasa_url, "CONVERSATION_RETENTION_DAYS": "0"}
    done = bot_command("retention", database_url=os.environ["DATABASE_URL"], env=env)
    assert done.returncode == 0 and "deleted" in done.stdout, done.stderr
    assert history(token) == (200, [])


@pytest.mark.parametrize(
    "body, status",
    [
        (b"not json", 400),
        (b"", 400),
        (b"null", 400),
        (b"[]", 400),
        ({"message": "   "}, 400),
        ({"message": 42}, 400),
        ({"message": "a" * 2001}, 413),
        ({"message": "hi", "id": "<script>"}, 400),
        ({"message": "hi", "id": "x" * 65}, 400),
        ({"message": "hi", "id": 7}, 400),
    ],
)
def test_bad_bodies_are_refused_with_a_clear_message(topology, body, status):
    got, headers, answer = call("webhook", body, new_token())
    assert got == status and answer["error"]
    assert headers["Access-Control-Allow-Origin"] == SITE  # the widget can read why


def test_a_message_sent_again_is_answered_again_but_run_once(topology):
    """The widget resends a message whose answer it did not get, with the same id."""
    token = new_token()
    say(token, "I'd like an appointment")
    first = call("webhook", {"message": "Zoë O'Brien", "id": "m-1"}, token)
    again = call("webhook", {"message": "Zoë O'Brien", "id": "m-1"}, token)
    assert first[0] == again[0] == 200 and first[2] == again[2]
    # Taken once: the form asked for the name, and now asks for the phone, once.
    assert [line["text"] for line in history(token)[1] if line["from"] == "visitor"] == [
        "I'd like an appointment",
        "Zoë O'Brien",
    ]
    # A new message with an id of its own runs as usual.
    status, _, replies = call("webhook", {"message": "617 555 0123", "id": "m-2"}, token)
    assert status == 200 and replies != first[2]


# The caps count per minute: twice the cap and one more cannot all fall in windows under it.


def test_a_conversation_flooding_is_capped_and_told_why(topology):
    token = new_token()
    answers = [call("webhook", {"message": "hi"}, token) for _ in range(2 * PER_CONVERSATION + 1)]
    refused = [answer for status, _, answer in answers if status == 429]
    assert answers[0][0] == 200 and refused and PHONE in refused[0]["error"]
    # Another visitor is not held up by it.
    assert "PRRT" in say(new_token(), "what is PRRT?")


def test_a_client_flooding_is_capped(topology):
    """Last in this module: it spends the client's allowance for the minute."""
    statuses = [call("session")[0] for _ in range(2 * PER_CLIENT + 1)]
    assert 429 in statuses and set(statuses) <= {200, 429}
