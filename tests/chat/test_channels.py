"""The channels' pure parts: which origins the website channel accepts, what a reload shows,
who a conversation belongs to, the flood caps. Over HTTP: tests/e2e/test_website_channel.py."""

import time
import uuid

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered

from bot.chat import ownership
from bot.chat.channels import WebsiteInput, current_session, transcript
from bot.chat.limits import FixedWindows
from tests.utils.ci import require
from tests.utils.databases import redis_available


def test_channel_reads_its_origins_from_credentials():
    channel = WebsiteInput.from_credentials({"allowed_origins": "https://www.example.org"})
    assert channel.allowed_origins == {"https://www.example.org"}
    assert WebsiteInput.from_credentials(None).allowed_origins == frozenset()


def test_transcript_shows_what_the_visitor_saw():
    events = [
        ActionExecuted("action_listen"),
        UserUttered("/session_start"),
        UserUttered("I'd like an appointment"),
        SlotSet("requested_slot", "caller_name"),
        BotUttered("What name should they ask for?"),
        UserUttered("<b>Ann</b>"),
        BotUttered("When?", {"buttons": [{"title": "Any time", "payload": "any time"}]}),
    ]
    assert transcript(events) == [
        {"from": "visitor", "text": "I'd like an appointment"},
        {"from": "bot", "text": "What name should they ask for?", "buttons": []},
        {"from": "visitor", "text": "<b>Ann</b>"},
        {"from": "bot", "text": "When?", "buttons": [{"title": "Any time", "payload": "any time"}]},
    ]


def test_a_token_opens_one_conversation_and_an_id_opens_none():
    token = ownership.issue_token()
    conversation = ownership.conversation_of(token, "key")
    assert conversation and conversation.startswith("web-")
    assert ownership.conversation_of(token, "key") == conversation  # every replica agrees
    assert ownership.conversation_of(token, "another key") != conversation
    assert ownership.conversation_of(ownership.issue_token(), "key") != conversation
    for forged in (conversation, "", None, "a" * 42, "a" * 44, "<script>" + "a" * 35, token + "\n"):
        assert ownership.conversation_of(forged, "key") is None


def test_a_clients_address_is_kept_only_as_an_opaque_key():
    key = ownership.client_key("203.0.113.7", "key")
    assert (
        key
        == ownership.client_key("203.0.113.7", "key")
        != ownership.client_key("203.0.113.8", "key")
    )
    assert "203" not in key and len(key) == 32


def test_the_history_is_the_current_session_and_none_once_it_expired():
    old = [UserUttered("earlier visitor", timestamp=time.time() - 100)]
    current = [SessionStarted(timestamp=time.time() - 10), UserUttered("hi", timestamp=time.time())]
    assert current_session(old + current, 1800) == current
    assert current_session(old, 1800) == old
    assert current_session([UserUttered("hi", timestamp=time.time() - 3600)], 1800) == []


@pytest.mark.parametrize("backend", ["memory", "redis"])
async def test_fixed_windows_cap_each_key_of_each_cap(backend):
    url = None
    if backend == "redis":
        require(redis_available(), "Redis is not reachable at 127.0.0.1:6379")
        url = "redis://127.0.0.1:6379/15"
    caps = FixedWindows({"conversation": 3, "client": 5}, 3600, url)
    key = f"test-{uuid.uuid4().hex}"
    hits = [await caps.hit(conversation=key, client=key) for _ in range(4)]
    assert hits == [True, True, True, False]  # the conversation's cap
    assert await caps.hit(conversation=f"{key}-other", client=key)  # the client's 5th
    assert not await caps.hit(conversation=f"{key}-third", client=key)  # the client's cap
    assert await caps.hit(client=f"{key}-other")
