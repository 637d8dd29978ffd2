"""A request's conversation for staff, and their "not an emergency" mark: read through the
real client (bot/leads/conversations.py) from the stand-in chat server over HTTP, on SQLite
and PostgreSQL. The miss is stored scrubbed by the real scrubber, with the mark's audit entry,
once."""

import pytest
from sqlalchemy import insert, select

from bot.db.models import AuditEntry, Unanswered
from bot.leads import transcripts
from bot.leads.conversations import ChatServer, ConversationsUnreachable
from bot.leads.errors import Conflict, NotFound
from bot.leads.store import store_lead
from bot.settings import Settings
from bot.staff.accounts import Staff
from bot.unanswered import store as misses
from tests.utils.chat_server import chat_server
from tests.utils.conversations import answer, takeover
from tests.utils.factories import request_for
from tests.utils.servers import free_port

NURSE = Staff(id=7, username="nurse", role="staff")
TYPED = "my husband Robert Kowalski fainted last week, call 617-555-0187, is that the octreotide"


@pytest.fixture
def chat():
    settings = Settings(rasa_port=free_port(), secret_key="test-secret")
    with chat_server(settings) as calls:
        yield calls, ChatServer(settings, timeout_s=5)


@pytest.fixture
def lead(sessions, chat):
    calls, _ = chat
    stored = store_lead(sessions, request_for(conversation="conv-1"))[0]
    calls.transcripts["conv-1"] = [*answer("what is octreotide"), *takeover(TYPED)]
    return stored


def takeover_index(client, lead) -> int:
    return next(x.index for x in client.transcript(lead.conversation_id) if x.takeover)


def audit_of(sessions, action):
    with sessions() as session:
        query = select(AuditEntry).where(AuditEntry.action == action)
        return [(e.actor, e.lead_reference, e.detail) for e in session.execute(query).scalars()]


def test_the_conversation_is_read_for_staff_and_the_reading_audited(sessions, chat, lead):
    _, client = chat
    shown, lines, marked = transcripts.view(sessions, client, lead.reference, NURSE, 10)
    assert shown.reference == lead.reference and marked == set()
    assert [(x.speaker, x.takeover) for x in lines] == [
        ("visitor", False),
        ("bot", False),
        ("visitor", True),
        ("bot", False),
    ]
    assert audit_of(sessions, transcripts.VIEWED) == [("nurse", lead.reference, None)]
    assert audit_of(sessions, "viewed") == [("nurse", lead.reference, None)]


def test_a_false_emergency_is_recorded_scrubbed_audited_and_marked_once(sessions, chat, lead):
    _, client = chat
    index = takeover_index(client, lead)
    miss = transcripts.mark_not_emergency(sessions, client, lead.reference, index, NURSE)
    entry = misses.find(sessions, miss)
    assert entry.kind == "false_emergency" and entry.guess == "emergency"
    assert entry.confidence == 0.91 and entry.handled_as is None
    for detail in ("Robert", "Kowalski", "617-555-0187", "555-0187"):
        assert detail not in entry.text
    assert "[name]" in entry.text and "[phone]" in entry.text and "octreotide" in entry.text
    assert audit_of(sessions, transcripts.MARKED) == [
        ("nurse", lead.reference, f"message {index}, unanswered #{miss}")
    ]
    assert transcripts.view(sessions, client, lead.reference, NURSE, 10)[2] == {index}
    with pytest.raises(Conflict, match="already marked"):
        transcripts.mark_not_emergency(sessions, client, lead.reference, index, NURSE)
    with sessions() as session:
        assert len(session.execute(select(Unanswered)).all()) == 1


def test_only_a_takeover_can_be_marked(sessions, chat, lead):
    _, client = chat
    lines = client.transcript(lead.conversation_id)
    for line in lines:
        if not line.takeover:
            with pytest.raises(NotFound, match="answered as an emergency"):
                transcripts.mark_not_emergency(sessions, client, lead.reference, line.index, NURSE)
    for index in (-1, 999):
        with pytest.raises(NotFound):
            transcripts.mark_not_emergency(sessions, client, lead.reference, index, NURSE)
    with pytest.raises(NotFound, match="no request"):
        transcripts.mark_not_emergency(sessions, client, "NET-ZZZZZZ", 1, NURSE)
    assert misses.open_entries(sessions) == [] and audit_of(sessions, transcripts.MARKED) == []


def test_a_staff_mark_is_kept_even_on_a_day_full_of_visitors_misses(sessions, chat, lead):
    _, client = chat
    index = takeover_index(client, lead)
    with sessions.begin() as session:
        session.execute(
            insert(Unanswered),
            [
                {"day": misses.today(), "kind": "fallback", "text": f"q{i}"}
                for i in range(misses.MAX_PER_DAY)
            ],
        )
    assert misses.record(sessions, "what is a net", "fallback") is None  # the day is full
    miss = transcripts.mark_not_emergency(sessions, client, lead.reference, index, NURSE)
    assert misses.find(sessions, miss).kind == "false_emergency"


def test_an_unreachable_chat_server_is_said_and_nothing_is_recorded(sessions, lead):
    client = ChatServer(Settings(rasa_port=free_port(), secret_key="test-secret"), timeout_s=2)
    with pytest.raises(ConversationsUnreachable, match="could not read"):
        transcripts.mark_not_emergency(sessions, client, lead.reference, 5, NURSE)
    assert misses.open_entries(sessions) == []
