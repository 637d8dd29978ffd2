"""Valid domain objects with one field changed, so each test says only what it is about."""

from datetime import datetime, timezone
from typing import Any, List

from sqlalchemy.orm import sessionmaker

from bot.leads.store import Lead, LeadRequest, store_lead


def request_for(submission: str = "s1", conversation: str = "c1", **overrides: Any) -> LeadRequest:
    values: dict = dict(
        reason="appointment",
        name="Ada Test",
        phone="+16175550123",
        email=None,
        preferred_time="weekday mornings",
        diagnosis_status="not_sure",
        consent_at=datetime(2026, 11, 25, 15, 0, tzinfo=timezone.utc),
        notice_version="2026-11",
        conversation_id=conversation,
        submission_id=submission,
    )
    values.update(overrides)
    return LeadRequest(**values)


def stored_leads(sessions: sessionmaker, count: int, name: str = "Ada Test") -> List[Lead]:
    """`count` stored leads, oldest first, each its own submission."""
    return [
        store_lead(sessions, request_for(submission=f"s{i}", name=name))[0] for i in range(count)
    ]
