"""Working the callback queue: claim, record the outcome, release, view, delete. Every change
is one conditional UPDATE or DELETE, so two staff members can never both win the same lead,
and every change writes its audit entry in the same transaction.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, List, NoReturn, Optional

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from bot.db.models import CLOSE_REASONS, AuditEntry, Lead, utcnow
from bot.leads import audit
from bot.leads.errors import Conflict, LeadError, NotFound, Throttled
from bot.leads.store import find, list_leads, normal_reference
from bot.staff.accounts import Staff

OUTCOMES = ("contacted", "no_answer", "closed")
NOTE_LIMIT = 500
_CLAIM_ATTEMPTS = 20


def _claimable(table: Any, now: datetime) -> Any:
    """Waiting leads whose retry time has come, and claims whose lease ran out."""
    return or_(
        and_(
            table.status.in_(("new", "no_answer")),
            or_(table.retry_at.is_(None), table.retry_at <= now),
        ),
        and_(table.status == "claimed", table.lease_expires_at <= now),
    )


def _held_by(staff: Staff, now: datetime) -> Any:
    return and_(Lead.status == "claimed", Lead.claimed_by == staff.id, Lead.lease_expires_at > now)


def claim_next(
    sessions: sessionmaker,
    staff: Staff,
    lease: timedelta,
    now: Optional[datetime] = None,
    per_minute: Optional[int] = None,
) -> Optional[Lead]:
    """Claim the oldest claimable lead, or return None when there is none.

    On PostgreSQL the pick skips rows other transactions have locked (FOR UPDATE SKIP
    LOCKED), so claimers never queue behind each other; SQLite has one writer at a time.
    Either way the UPDATE re-checks that the row is still claimable.
    """
    now = now or utcnow()
    with sessions() as session:
        _check_contact_views(session, staff, per_minute, now)
        for _ in range(_CLAIM_ATTEMPTS):
            waiting = aliased(Lead)
            pick = (
                select(waiting.id)
                .where(_claimable(waiting, now))
                .order_by(waiting.created_at, waiting.id)
                .limit(1)
            )
            if session.get_bind().dialect.name == "postgresql":
                pick = pick.with_for_update(skip_locked=True)
            lead = _take(
                session,
                and_(Lead.id == pick.scalar_subquery(), _claimable(Lead, now)),
                staff,
                lease,
                now,
            )
            if lead is not None:
                return lead
            session.rollback()
            # Nothing taken: either the queue is empty, or the one row this pick saw was
            # taken between the pick and the re-check. Only the first ends the loop.
            remaining = select(func.count(Lead.id)).where(_claimable(Lead, now))
            if session.execute(remaining).scalar_one() == 0:
                return None
    return None


def claim(
    sessions: sessionmaker,
    reference: str,
    staff: Staff,
    lease: timedelta,
    now: Optional[datetime] = None,
    per_minute: Optional[int] = None,
) -> Lead:
    """Claim one chosen lead (or renew one's own claim)."""
    reference, now = normal_reference(reference), now or utcnow()
    with sessions() as session:
        _check_contact_views(session, staff, per_minute, now)
        lead = _take(
            session,
            and_(Lead.reference == reference, or_(_claimable(Lead, now), _held_by(staff, now))),
            staff,
            lease,
            now,
        )
        if lead is None:
            _raise_missing_or_conflict(session, reference, "someone else is working on it")
        return lead


def _take(
    session: Session, which: Any, staff: Staff, lease: timedelta, now: datetime
) -> Optional[Lead]:
    token = secrets.token_hex(16)
    taken = session.execute(
        update(Lead)
        .where(which)
        .values(
            status="claimed",
            claimed_by=staff.id,
            claimed_at=now,
            lease_expires_at=now + lease,
            claim_token=token,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return None
    lead = session.execute(select(Lead).where(Lead.claim_token == token)).scalar_one()
    audit.record(session, staff.username, "claimed", lead, at=now)
    session.commit()
    return lead


def record_outcome(
    sessions: sessionmaker,
    reference: str,
    staff: Staff,
    outcome: str,
    note: Optional[str] = None,
    closed_reason: Optional[str] = None,
    retry_after: timedelta = timedelta(hours=2),
    now: Optional[datetime] = None,
) -> Lead:
    """Finish a claim: `contacted`, `no_answer` (back in the queue after `retry_after`) or
    `closed` with one of CLOSE_REASONS. Only the holder of a live claim can do this."""
    if outcome not in OUTCOMES:
        raise LeadError(f"the outcome is one of: {', '.join(OUTCOMES)}")
    if outcome == "closed" and closed_reason not in CLOSE_REASONS:
        raise LeadError(f"closing needs a reason, one of: {', '.join(CLOSE_REASONS)}")
    note = clean_note(note)
    reference, now = normal_reference(reference), now or utcnow()
    values: dict = dict(
        status=outcome,
        note=note,
        updated_at=now,
        claimed_by=None,
        claimed_at=None,
        lease_expires_at=None,
        claim_token=None,
        closed_reason=closed_reason if outcome == "closed" else None,
    )
    if outcome == "no_answer":
        values.update(attempts=Lead.attempts + 1, retry_at=now + retry_after)
    with sessions() as session:
        changed = session.execute(
            update(Lead)
            .where(Lead.reference == reference, _held_by(staff, now))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:
            _raise_missing_or_conflict(session, reference, "claim it first (or your claim ran out)")
        lead = _existing(session, reference)
        # The detail starts with the outcome: history() finds the first contact by it.
        detail = outcome + (f" ({closed_reason})" if outcome == "closed" else "")
        audit.record(
            session,
            staff.username,
            "updated",
            lead,
            detail + ("; note changed" if note else ""),
            at=now,
        )
        session.commit()
        return lead


def release(
    sessions: sessionmaker, reference: str, staff: Staff, now: Optional[datetime] = None
) -> Lead:
    """Give a claimed lead back to the queue unchanged."""
    reference, now = normal_reference(reference), now or utcnow()
    with sessions() as session:
        changed = session.execute(
            update(Lead)
            .where(Lead.reference == reference, _held_by(staff, now))
            .values(
                status="new",
                claimed_by=None,
                claimed_at=None,
                lease_expires_at=None,
                claim_token=None,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:
            _raise_missing_or_conflict(session, reference, "it is not claimed by you")
        lead = _existing(session, reference)
        if lead.attempts:
            lead.status = "no_answer"
        audit.record(session, staff.username, "released", lead)
        session.commit()
        return lead


def view(
    sessions: sessionmaker,
    reference: str,
    staff: Staff,
    per_minute: int,
    now: Optional[datetime] = None,
) -> Lead:
    """A lead with its contact details, for the staff member who opens it. Every view is
    audited, and one staff member opens at most `per_minute` leads a minute: enough to work
    the queue, too few to copy every lead's contact details out of the system."""
    now = now or utcnow()
    with sessions() as session:
        _check_contact_views(session, staff, per_minute, now)
        lead = _existing(session, reference)
        audit.record(session, staff.username, "viewed", lead, at=now)
        session.commit()
        return lead


def _check_contact_views(
    session: Session, staff: Staff, per_minute: Optional[int], now: datetime
) -> None:
    """Opening a lead and claiming one both show its contact details: together, at most
    `per_minute` a minute, so a claim-and-release loop copies no more than opening does."""
    if per_minute is None:
        return
    recent = select(func.count(AuditEntry.id)).where(
        AuditEntry.actor == staff.username,
        AuditEntry.action.in_(("viewed", "claimed")),
        AuditEntry.at > now - timedelta(minutes=1),
    )
    if session.execute(recent).scalar_one() >= per_minute:
        raise Throttled(f"you opened {per_minute} requests within a minute; wait a minute")


def view_list(
    sessions: sessionmaker,
    staff: Staff,
    status: Optional[str] = None,
    reason: Optional[str] = None,
    reference: Optional[str] = None,
) -> List[Lead]:
    """Leads with their contact details as list_leads picks them, for a staff member at the
    server's command line; each one shown is audited as viewed by them."""
    leads = list_leads(sessions, status, reason, reference)
    with sessions() as session:
        for lead in leads:
            audit.record(session, staff.username, "viewed", lead, "in a list")
        session.commit()
    return leads


@dataclass(frozen=True)
class Worked:
    """How far one lead went through the queue, without anything that identifies it."""

    created_at: datetime
    status: str
    closed_reason: Optional[str]
    claimed: bool  # a staff member took it at least once
    first_contact_at: Optional[datetime]  # the first call that reached the visitor


def worked(sessions: sessionmaker, start: datetime, end: datetime) -> List[Worked]:
    """The leads created from `start` until `end`, for the analytics page. When staff first
    reached the visitor is in the audit log only (a lead's own times change with each claim
    and outcome): its first `contacted` outcome."""
    contacted = (
        select(AuditEntry.lead_id, func.min(AuditEntry.at).label("at"))
        .where(AuditEntry.action == "updated", AuditEntry.detail.like("contacted%"))
        .group_by(AuditEntry.lead_id)
        .subquery()
    )
    claimed = (
        select(AuditEntry.id)
        .where(AuditEntry.lead_id == Lead.id, AuditEntry.action == "claimed")
        .exists()
    )
    query = (
        select(Lead.created_at, Lead.status, Lead.closed_reason, claimed, contacted.c.at)
        .outerjoin(contacted, contacted.c.lead_id == Lead.id)
        .where(Lead.created_at >= start, Lead.created_at < end)
        .order_by(Lead.created_at)
    )
    with sessions() as session:
        return [
            Worked(created_at, status, reason, bool(was_claimed), first_contact_at)
            for created_at, status, reason, was_claimed, first_contact_at in session.execute(query)
        ]


def history(sessions: sessionmaker, lead: Lead) -> List[AuditEntry]:
    with sessions() as session:
        return audit.entries_for(session, lead.id)


def delete_lead(sessions: sessionmaker, reference: str, staff: Staff) -> None:
    """Right to deletion: the row goes; the audit log keeps only id, reference and who."""
    with sessions() as session:
        lead = _existing(session, reference)
        session.execute(delete(Lead).where(Lead.id == lead.id))
        audit.record(session, staff.username, "deleted", lead)
        session.commit()


def clean_note(note: Optional[str]) -> Optional[str]:
    if note is None:
        return None
    note = "".join(ch for ch in note if ch.isprintable() or ch in "\n").strip()
    if len(note) > NOTE_LIMIT:
        raise LeadError(f"a note is at most {NOTE_LIMIT} characters")
    return note or None


def _existing(session: Session, reference: str) -> Lead:
    lead = find(session, reference)
    if lead is None:
        raise NotFound(f"no request {normal_reference(reference)}")
    return lead


def _raise_missing_or_conflict(session: Session, reference: str, why: str) -> NoReturn:
    session.rollback()
    _existing(session, reference)
    raise Conflict(f"{reference}: {why}")
