"""The audit log: one row per staff action on a lead, without the lead's personal data."""

from datetime import datetime
from typing import List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import AuditEntry, Lead, utcnow


def record(
    session: Session,
    actor: str,
    action: str,
    lead: Optional[Lead] = None,
    detail: Optional[str] = None,
    at: Optional[datetime] = None,
) -> None:
    """Add an entry to the caller's transaction, so it commits or rolls back with the change.
    `at` is the time the caller's operation works with, where it takes one."""
    session.add(
        AuditEntry(
            at=at or utcnow(),
            actor=actor,
            action=action,
            lead_id=lead.id if lead is not None else None,
            lead_reference=lead.reference if lead is not None else None,
            detail=detail[:200] if detail else None,
        )
    )


def entries_for(session: Session, lead_id: int) -> List[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.lead_id == lead_id).order_by(AuditEntry.id)
    return list(session.execute(query).scalars())
