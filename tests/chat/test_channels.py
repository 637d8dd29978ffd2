"""The website channel's pure parts: which origins it accepts, what a reload shows."""
import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from bot.channels import WebsiteInput, transcript
from bot.settings import parse_origins


def test_origins_are_exact_and_patterns_are_refused():
    assert parse_origins("http://127.0.0.1:8000, https://www.example.org/") == [
        "http://127.0.0.1:8000", "https://www.example.org"]
    assert parse_origins("https://a.example https://b.example") == [
        "https://a.example", "https://b.example"]
    for bad in ("*", "https://*.example.org", "https://example.org/page", "example.org",
                "https://example\\.org", "^https://example.org$"):
        with pytest.raises(ValueError):
            parse_origins(bad)


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
