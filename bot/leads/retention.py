"""Complete deletion and retention: a lead goes with its conversation, and nothing personal
is kept longer than the settings say.

A lead's conversation is deleted first: if the chat server cannot do it, the lead stays and
the deletion is reported as failed, so a deletion that is reported done is complete. The
audit log keeps who did what to which reference, never personal data.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional, Protocol

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.db.models import Lead, utcnow
from bot.leads import queue
from bot.leads.store import find
from bot.staff.accounts import Staff

# What a retention run is recorded as in the audit log.
RETENTION = Staff(id=0, username="retention", role="admin")
CLOSED = ("contacted", "closed")


class Conversations(Protocol):
    def delete(self, conversation_id: str) -> None: ...

    def delete_older_than(self, days: float) -> int: ...


def erase_lead(
    sessions: sessionmaker, conversations: Conversations, reference: str, staff: Staff
) -> None:
    """Right to deletion: the conversation, then the lead."""
    with sessions() as session:
        lead = find(session, reference)
        conversation_id = lead.conversation_id if lead is not None else None
    if conversation_id:
        conversations.delete(conversation_id)
    queue.delete_lead(sessions, reference, staff)


@dataclass(frozen=True)
class RetentionReport:
    conversations_deleted: int
    leads_deleted: int


def apply_retention(
    sessions: sessionmaker,
    conversations: Conversations,
    conversation_days: float,
    closed_lead_days: float,
    now: Optional[datetime] = None,
) -> RetentionReport:
    """Delete the conversations idle longer than `conversation_days`, and the leads closed
    longer ago than `closed_lead_days` (with what is left of their conversations)."""
    cutoff = (now or utcnow()) - timedelta(days=closed_lead_days)
    with sessions() as session:
        references = list(
            session.execute(
                select(Lead.reference).where(Lead.status.in_(CLOSED), Lead.updated_at < cutoff)
            ).scalars()
        )
    for reference in references:
        erase_lead(sessions, conversations, reference, RETENTION)
    return RetentionReport(conversations.delete_older_than(conversation_days), len(references))
