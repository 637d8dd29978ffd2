"""Complete deletion (the conversation, then the lead) and retention, on SQLite and
PostgreSQL."""

from datetime import timedelta
from typing import List

import pytest
from sqlalchemy import select, update

from bot.db.models import AuditEntry, Lead, utcnow
from bot.leads.conversations import ConversationsUnreachable
from bot.leads.retention import RETENTION, apply_retention, erase_lead
from bot.leads.store import store_lead
from bot.staff.accounts import Staff
from tests.utils.factories import phone_for, request_for

ADMIN = Staff(id=1, username="ada", role="admin")


class Conversations:
    """The chat server's side, as retention sees it: what was asked, or unreachable."""

    def __init__(self, reachable: bool = True) -> None:
        self.reachable = reachable
        self.deleted: List[str] = []
        self.idle_days: List[float] = []

    def delete(self, conversation_id: str) -> None:
        if not self.reachable:
            raise ConversationsUnreachable("down")
        self.deleted.append(conversation_id)

    def delete_older_than(self, days: float) -> int:
        if not self.reachable:
            raise ConversationsUnreachable("down")
        self.idle_days.append(days)
        return 3


def leads(sessions):
    with sessions() as session:
        return {lead.reference: lead for lead in session.execute(select(Lead)).scalars()}


def test_a_lead_goes_with_its_conversation_and_leaves_only_an_audit_row(sessions):
    lead, _ = store_lead(sessions, request_for(conversation="web-abc"))
    conversations = Conversations()
    erase_lead(sessions, conversations, lead.reference, ADMIN)
    assert conversations.deleted == ["web-abc"] and leads(sessions) == {}
    with sessions() as session:
        [entry] = session.execute(select(AuditEntry)).scalars()
    assert (entry.actor, entry.action, entry.lead_reference) == ("ada", "deleted", lead.reference)
    assert "Ada" not in (entry.detail or "")


def test_a_lead_whose_conversation_cannot_be_deleted_stays(sessions):
    lead, _ = store_lead(sessions, request_for())
    with pytest.raises(ConversationsUnreachable):
        erase_lead(sessions, Conversations(reachable=False), lead.reference, ADMIN)
    assert lead.reference in leads(sessions)


def test_retention_deletes_what_is_older_than_the_settings_allow(sessions):
    old_closed, old_contacted, old_open, recent_closed = (
        store_lead(
            sessions, request_for(submission=f"s{i}", conversation=f"c{i}", phone=phone_for(i))
        )[0]
        for i in range(4)
    )
    long_ago, lately = utcnow() - timedelta(days=400), utcnow() - timedelta(days=10)
    with sessions() as session:
        for lead, status, when in (
            (old_closed, "closed", long_ago),
            (old_contacted, "contacted", long_ago),
            (old_open, "no_answer", long_ago),
            (recent_closed, "closed", lately),
        ):
            session.execute(
                update(Lead).where(Lead.id == lead.id).values(status=status, updated_at=when)
            )
        session.commit()
    conversations = Conversations()
    report = apply_retention(sessions, conversations, 30, 365)
    assert set(leads(sessions)) == {old_open.reference, recent_closed.reference}
    assert sorted(conversations.deleted) == ["c0", "c1"] and conversations.idle_days == [30]
    assert (report.leads_deleted, report.conversations_deleted) == (2, 3)
    with sessions() as session:
        actors = set(session.execute(select(AuditEntry.actor)).scalars())
    assert actors == {RETENTION.username}
