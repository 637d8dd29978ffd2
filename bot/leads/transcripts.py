"""The conversation behind a callback request, for staff, and their correction of a false
emergency in it.

The assistant's safety triage sometimes answers a message that was no emergency with the
911/988 message and nothing else. A staff member reading the conversation marks it "not an
emergency": the message is recorded, scrubbed of personal data like every miss
(bot/unanswered/store.py), among what the assistant could not answer, with the kind
`false_emergency`, for the content team. The miss keeps nothing that leads back to the request;
the audit entry says which message of which request was marked, so it is marked once.

The text recorded is the one the chat server holds at that place of the conversation, never
text sent with the mark, so a mark cannot put anything else into the content team's list.
"""

import re
from typing import List, Protocol, Set, Tuple

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.db.models import AuditEntry, Lead
from bot.leads import audit, queue
from bot.leads.conversations import Line
from bot.leads.errors import Conflict, NotFound
from bot.leads.store import find, normal_reference
from bot.staff.accounts import Staff
from bot.unanswered import store as misses

MARKED = "not an emergency"  # the audit action (at most 20 characters)
VIEWED = "viewed conversation"
_MESSAGE = re.compile(r"message (\d+),")


class Transcripts(Protocol):
    def transcript(self, conversation_id: str) -> List[Line]: ...


def view(
    sessions: sessionmaker, chat: Transcripts, reference: str, staff: Staff, per_minute: int
) -> Tuple[Lead, List[Line], Set[int]]:
    """The lead (opened as its page opens it: counted and audited), its conversation, and the
    places of the messages already marked not an emergency. The reading is audited too."""
    lead = queue.view(sessions, reference, staff, per_minute)
    lines = chat.transcript(lead.conversation_id)
    with sessions.begin() as session:
        audit.record(session, staff.username, VIEWED, lead)
    return lead, lines, _marked(sessions, lead)


def _marked(sessions: sessionmaker, lead: Lead) -> Set[int]:
    with sessions() as session:
        details = session.execute(
            select(AuditEntry.detail).where(
                AuditEntry.lead_id == lead.id, AuditEntry.action == MARKED
            )
        ).scalars()
        return {int(m[1]) for m in (_MESSAGE.match(d or "") for d in details) if m}


def mark_not_emergency(
    sessions: sessionmaker, chat: Transcripts, reference: str, index: int, staff: Staff
) -> int:
    """Record the visitor's message at `index`, which the assistant took for an emergency, as
    a false emergency; the id of the miss recorded."""
    with sessions() as session:
        lead = find(session, reference)
    if lead is None:
        raise NotFound(f"no request {normal_reference(reference)}")
    line = next((x for x in chat.transcript(lead.conversation_id) if x.index == index), None)
    if line is None or not line.takeover:
        raise NotFound(
            f"{lead.reference}: no message at that place that the assistant answered as an "
            "emergency (was the conversation deleted?)"
        )
    if index in _marked(sessions, lead):
        raise Conflict(f"{lead.reference}: this message is already marked not an emergency")
    with sessions.begin() as session:
        miss = misses.add(
            session,
            line.text,
            "false_emergency",
            guess=line.intent,
            confidence=line.confidence,
            max_per_day=None,  # a staff member's deliberate correction is never capped away
        )
        if miss is None:
            raise Conflict(f"{lead.reference}: nothing is left of this message to record")
        audit.record(
            session, staff.username, MARKED, lead, detail=f"message {index}, unanswered #{miss}"
        )
    return miss
