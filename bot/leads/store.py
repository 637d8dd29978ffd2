"""Storing a callback request exactly once, and finding leads again.

The lead vocabulary (reasons, statuses, close reasons) is defined with the table in bot.db.models
and named here for the layers above, which do not import the database layer's models.
"""

import secrets
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import CLOSE_REASONS, DIAGNOSIS_STATUSES, OPEN_STATUSES, REASONS, STATUSES, Lead
from bot.intake.checks import Checked, check_email, check_free_text, check_name, check_phone
from bot.leads.errors import LeadError

__all__ = [
    "CLOSE_REASONS",
    "DIAGNOSIS_STATUSES",
    "OPEN_STATUSES",
    "REASONS",
    "STATUSES",
    "Lead",
    "LeadRequest",
    "as_dict",
    "find",
    "list_leads",
    "new_reference",
    "normal_reference",
    "store_lead",
]

# No 0/O, 1/I/L: a reference is read out over the phone.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_REFERENCE_ATTEMPTS = 5


@dataclass(frozen=True)
class LeadRequest:
    """A validated callback request, as the submit action hands it over."""

    reason: str
    name: str
    phone: str
    email: Optional[str]
    preferred_time: str
    diagnosis_status: str
    consent_at: datetime
    notice_version: str
    conversation_id: str
    submission_id: str


def new_reference() -> str:
    return "NET-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))


def normal_reference(reference: str) -> str:
    """References are typed and read out loud: spacing and case do not matter."""
    return reference.strip().upper()


def _checked(request: LeadRequest) -> LeadRequest:
    """The request with every detail as the form's own checks (bot/intake/checks.py) give it
    back, or LeadError naming the first one they refuse.

    The form checked them already, but the action server takes the slots from whoever calls
    it: markup, a spreadsheet formula or 5000 characters must not reach the table that way.
    """
    email = request.email
    details: Dict[str, Any] = {
        "name": _passed("name", check_name(request.name)),
        "phone": _passed("phone", check_phone(request.phone)),
        "email": None if email is None else _passed("email", check_email(email)),
        "preferred_time": _passed(
            "preferred_time", check_free_text(request.preferred_time, "a time")
        ),
    }
    for field, allowed in (("reason", REASONS), ("diagnosis_status", DIAGNOSIS_STATUSES)):
        if getattr(request, field) not in allowed:
            raise LeadError(f"the {field} is not one the form offers")
    for field in ("conversation_id", "submission_id"):
        value = getattr(request, field)
        if not isinstance(value, str) or not 0 < len(value) <= Lead.__table__.c[field].type.length:
            raise LeadError(f"the {field} is not an id")
    return replace(request, **details)


def _passed(field: str, result: Checked) -> str:
    value, _ = result
    if value is None:  # the check's reason is for the visitor, who is not here
        raise LeadError(f"the {field} does not pass the form's check")
    return value


def store_lead(sessions: sessionmaker, request: LeadRequest) -> Tuple[Lead, bool]:
    """Insert the request once, checked again; return the stored lead and whether this call
    created it.

    A retried or concurrent submit of the same (conversation, submission) is stopped by the
    unique constraint in the database, not by a read-then-write check that two writers could
    both pass; the loser reads the winner's row.
    """
    request = _checked(request)
    for _ in range(_REFERENCE_ATTEMPTS):
        with sessions() as session:
            lead = Lead(**asdict(request), reference=new_reference())
            session.add(lead)
            try:
                session.commit()
                return lead, True
            except IntegrityError:
                session.rollback()
                existing = _by_submission(session, request)
                if existing is not None:
                    return existing, False
                if find(session, lead.reference) is None:
                    raise  # a value outside the schema's contract, not a duplicate
        # The random reference collided with an older one: draw another.
    raise RuntimeError("could not allocate a unique lead reference")


def _by_submission(session: Session, request: LeadRequest) -> Optional[Lead]:
    return session.execute(
        select(Lead).where(
            Lead.conversation_id == request.conversation_id,
            Lead.submission_id == request.submission_id,
        )
    ).scalar_one_or_none()


def find(session: Session, reference: str) -> Optional[Lead]:
    return session.execute(
        select(Lead).where(Lead.reference == normal_reference(reference))
    ).scalar_one_or_none()


def list_leads(
    sessions: sessionmaker,
    status: Optional[str] = None,
    reason: Optional[str] = None,
    reference: Optional[str] = None,
) -> List[Lead]:
    """Oldest first; of one status, or "open" for the ones still to work, or all (None)."""
    query = select(Lead).order_by(Lead.created_at, Lead.id)
    if status == "open":
        query = query.where(Lead.status.in_(OPEN_STATUSES))
    elif status:
        query = query.where(Lead.status == status)
    if reason:
        query = query.where(Lead.reason == reason)
    if reference:
        query = query.where(Lead.reference == normal_reference(reference))
    with sessions() as session:
        return list(session.execute(query).scalars())


def as_dict(lead: Lead) -> Dict[str, Any]:
    """A lead as JSON-ready data for staff tooling (datetimes in ISO 8601, UTC)."""
    return {
        column.name: _json_value(getattr(lead, column.name)) for column in Lead.__table__.columns
    }


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
