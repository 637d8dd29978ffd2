"""The channels' pure parts: which origins the website channel accepts, what a reload shows.
Over HTTP they are tested in tests/e2e/test_server.py."""

from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from bot.chat.channels import WebsiteInput, transcript


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
