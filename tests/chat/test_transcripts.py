"""What staff read of a conversation: every message with its place, and the visitor's messages
the assistant answered with the emergency message marked, whichever way it sent it."""

from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered

from bot.chat.transcripts import staff_transcript
from tests.utils.conversations import EMERGENCY_TEXT, answer, takeover, turn


def test_the_takeovers_are_marked_and_nothing_else():
    events = [
        SessionStarted(),
        *answer("what is prrt"),
        *takeover("my chest hurts after the scan"),  # the rule: utter_emergency itself
        *takeover("me duele mucho", action="action_emergency_or_followup"),  # an action's
        # An emergency in doubt answered as the topic's follow-up: no takeover.
        *turn("is it painful after", "emergency", "It can ache ...", "utter_faq/prrt"),
    ]
    lines = staff_transcript(events)
    visitor = [(x["text"], x["takeover"]) for x in lines if x["from"] == "visitor"]
    assert visitor == [
        ("what is prrt", False),
        ("my chest hurts after the scan", True),
        ("me duele mucho", True),
        ("is it painful after", False),
    ]
    marked = [x for x in lines if x.get("takeover")]
    assert [events[x["index"]].text for x in marked] == [x["text"] for x in marked]
    assert marked[0]["intent"] == "emergency" and marked[0]["confidence"] == 0.91
    assert [x["text"] for x in lines if x["from"] == "bot"].count(EMERGENCY_TEXT) == 2


def test_a_button_press_is_no_typed_message_to_mark():
    events = [
        *answer("what is prrt"),
        UserUttered("/affirm", {"name": "affirm"}),
        ActionExecuted("utter_emergency"),
        BotUttered(EMERGENCY_TEXT, {}, {"utter_action": "utter_emergency"}),
    ]
    lines = staff_transcript(events)
    assert [x["text"] for x in lines if x["from"] == "visitor"] == ["what is prrt"]
    assert not any(x.get("takeover") for x in lines)


def test_an_empty_conversation_has_no_lines():
    assert staff_transcript([]) == []
