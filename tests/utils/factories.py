"""Valid domain objects with one field changed, so each test says only what it is about."""

from dataclasses import asdict
from datetime import datetime, timezone
from typing import Any, List

from sqlalchemy.orm import sessionmaker

from bot.leads.store import Lead, LeadRequest, new_reference, store_lead


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


# Area codes for the numbers of fiction, 555-0100 to 555-0199: a hundred per code.
_AREAS = ("617", "212", "312", "415", "503")


def phone_for(number: int) -> str:
    """A valid phone number of fiction, a different one for each number up to 499."""
    return f"+1{_AREAS[number // 100]}55501{number % 100:02d}"


def stored_leads(sessions: sessionmaker, count: int, name: str = "Ada Test") -> List[Lead]:
    """`count` stored leads, oldest first, each from a visitor of its own (its conversation,
    its phone number), so none is merged into another or over a limit."""
    return [
        store_lead(
            sessions,
            request_for(submission=f"s{i}", conversation=f"c{i}", name=name, phone=phone_for(i)),
        )[0]
        for i in range(count)
    ]


def inserted_lead(sessions: sessionmaker, **overrides: Any) -> Lead:
    """A lead written straight into the table, past the service's checks: what an older
    version or a hand edit may have left there, for the tests of how leads are shown."""
    lead = Lead(**asdict(request_for(**overrides)), reference=new_reference())
    with sessions() as session:
        session.add(lead)
        session.commit()
    return lead
