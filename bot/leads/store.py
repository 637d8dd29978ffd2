"""Storing a callback request exactly once (checked again, merged with the same request, within
each visitor's limits), and finding leads again.

The lead vocabulary (reasons, statuses, close reasons) is defined with the table in bot.db.models
and named here for the layers above, which do not import the database layer's models.
"""

import hashlib
import secrets
import time
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import CLOSE_REASONS, DIAGNOSIS_STATUSES, OPEN_STATUSES, REASONS, STATUSES, Lead
from bot.intake.checks import Checked, check_email, check_free_text, check_name, check_phone
from bot.leads.errors import LeadError, LimitReached, TooLate
from bot.settings import Settings, get_settings

__all__ = [
    "CLOSE_REASONS",
    "DIAGNOSIS_STATUSES",
    "OPEN_STATUSES",
    "REASONS",
    "STATUSES",
    "Lead",
    "LeadRequest",
    "details",
    "find",
    "list_leads",
    "new_reference",
    "normal_reference",
    "store_lead",
    "summary",
]

SUMMARY_FIELDS = (
    "reference",
    "created_at",
    "status",
    "reason",
    "preferred_time",
    "attempts",
    "claimed_by",
    "lease_expires_at",
    "retry_at",
)
_BOOKKEEPING = ("conversation_id", "submission_id", "claim_token")

# No 0/O, 1/I/L: a reference is read out over the phone.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_REFERENCE_ATTEMPTS = 5
# The same number and reason again within this time is the same request, not a second one.
DUPLICATE_WINDOW = timedelta(days=1)
CLIENT_WINDOW = timedelta(hours=1)  # of settings.max_leads_per_client_per_hour
# Any fixed number: the key of the PostgreSQL lock that one lead insert holds at a time.
_INSERT_LOCK = 7_320_104_117


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
    # The website channel's key for the visitor's address (an opaque hash); None elsewhere.
    client_key: Optional[str] = None


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
    if request.client_key is not None:
        if not isinstance(request.client_key, str) or not request.client_key:
            raise LeadError("the client_key is not a key")
        # Hashed again: of fixed length, and opaque even if a channel passed an address.
        details["client_key"] = hashlib.sha256(request.client_key.encode()).hexdigest()
    return replace(request, **details)


def _passed(field: str, result: Checked) -> str:
    value, _ = result
    if value is None:  # the check's reason is for the visitor, who is not here
        raise LeadError(f"the {field} does not pass the form's check")
    return value


def store_lead(
    sessions: sessionmaker, request: LeadRequest, deadline: Optional[float] = None
) -> Tuple[Lead, bool]:
    """Store the request, checked again (_checked); return its lead and whether this call
    created it.

    - A retried or concurrent submit of the same (conversation, submission) is stopped by the
      unique constraint in the database, not by a read-then-write check that two writers
      could both pass; the loser reads the winner's row.
    - The same request again (same number and reason, within DUPLICATE_WINDOW, still open) is
      the earlier lead (_merged): staff call once, and the visitor hears the same reference.
    - Otherwise a conversation or a client past its limit (settings) gets LimitReached, and
      nothing is stored: a flood of forged requests cannot bury the queue.

    The new row is written before those checks, and one insert runs at a time (SQLite has one
    writer, PostgreSQL takes _INSERT_LOCK): the checks see every request stored before this
    one, and no other can slip in between them and this one's commit.
    - Nothing is written after `deadline` (a UNIX time; TooLate): the visitor stopped waiting
      then and was told the request was not sent (Settings.action_call_deadline).
    """
    request = _checked(request)
    settings = get_settings()
    for _ in range(_REFERENCE_ATTEMPTS):
        with sessions() as session:
            if session.get_bind().dialect.name == "postgresql":
                session.execute(select(func.pg_advisory_xact_lock(_INSERT_LOCK)))
            lead = Lead(**asdict(request), reference=new_reference())
            session.add(lead)
            try:
                session.flush()
            except IntegrityError:
                session.rollback()
                existing = _by_submission(session, request)
                if existing is not None:
                    return existing, False
                if find(session, lead.reference) is None:
                    raise  # a value outside the schema's contract, not a duplicate
                continue  # the random reference collided with an older one: draw another
            earlier = _same_request(session, lead)
            if earlier is not None:
                session.rollback()
                return _merged(session, earlier, request, deadline), False
            _within_limits(session, lead, settings)
            in_time(deadline)
            session.commit()
            return lead, True
    raise RuntimeError("could not allocate a unique lead reference")


def _same_request(session: Session, lead: Lead) -> Optional[Lead]:
    """The latest open lead, other than `lead`, asking for the same call back."""
    return session.execute(
        select(Lead)
        .where(
            Lead.phone == lead.phone,
            Lead.reason == lead.reason,
            Lead.status.in_(OPEN_STATUSES),
            Lead.created_at > lead.created_at - DUPLICATE_WINDOW,
            Lead.id != lead.id,
        )
        .order_by(Lead.created_at.desc(), Lead.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def in_time(deadline: Optional[float]) -> None:
    """TooLate once `deadline` has passed: checked last before anything is kept."""
    if deadline is not None and time.time() > deadline:
        raise TooLate("the conversation stopped waiting for this request before it was stored")


def _merged(
    session: Session, earlier: Lead, request: LeadRequest, deadline: Optional[float]
) -> Lead:
    """The earlier lead, with the new details when the same conversation sent both and no one
    works on it yet (the visitor changed the time, say). From another conversation nothing is
    written over it: nothing shows that it is the same visitor."""
    session.execute(
        update(Lead)
        .where(
            Lead.id == earlier.id,
            Lead.status == "new",
            Lead.conversation_id == request.conversation_id,
        )
        .values(
            name=request.name,
            email=request.email,
            preferred_time=request.preferred_time,
            diagnosis_status=request.diagnosis_status,
            consent_at=request.consent_at,
            notice_version=request.notice_version,
        )
    )
    in_time(deadline)
    session.commit()
    session.refresh(earlier)
    return earlier


def _within_limits(session: Session, lead: Lead, settings: Settings) -> None:
    """LimitReached when `lead` is one more than its conversation or its client may leave."""
    of_conversation = (
        select(func.count()).select_from(Lead).where(Lead.conversation_id == lead.conversation_id)
    )
    if session.execute(of_conversation).scalar_one() > settings.max_leads_per_conversation:
        raise LimitReached("the conversation has left as many callback requests as it may")
    if lead.client_key is None:
        return
    of_client = (
        select(func.count())
        .select_from(Lead)
        .where(
            Lead.client_key == lead.client_key, Lead.created_at > lead.created_at - CLIENT_WINDOW
        )
    )
    if session.execute(of_client).scalar_one() > settings.max_leads_per_client_per_hour:
        raise LimitReached("the client has left as many callback requests as it may this hour")


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


def details(lead: Lead) -> Dict[str, Any]:
    """A lead with its contact details, as JSON-ready data for the staff member who holds or
    opens it (datetimes in ISO 8601, UTC). Bookkeeping stays out: the conversation id is the
    key to the chat transcript, which staff tooling has no business handing around."""
    return {
        column.name: _json_value(getattr(lead, column.name))
        for column in Lead.__table__.columns
        if column.name not in _BOOKKEEPING
    }


def summary(lead: Lead) -> Dict[str, Any]:
    """What is needed to pick a lead from the queue, not who the person is."""
    full = details(lead)
    return {field: full[field] for field in SUMMARY_FIELDS}


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
