"""Signed-in sessions of staff, kept on the server.

The browser (cookie) and API clients (Bearer token) hold a random token; the database keeps
only its SHA-256, with the times it began and was last used. A session ends after the
configured inactivity, at the latest the configured lifetime after sign-in, on sign-out, and
at once when its account is switched off.
"""

import hashlib
import secrets
from datetime import timedelta
from typing import Optional

from sqlalchemy import delete, select
from sqlalchemy.orm import sessionmaker

from bot.db.models import StaffSession, StaffUser, utcnow
from bot.staff.accounts import Staff


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(sessions: sessionmaker, staff: Staff) -> str:
    token = secrets.token_urlsafe(32)
    with sessions() as session:
        session.add(StaffSession(token_hash=_digest(token), user_id=staff.id))
        session.commit()
    return token


def resume(
    sessions: sessionmaker, token: Optional[str], idle: timedelta, lifetime: timedelta
) -> Optional[Staff]:
    """The staff member of a live session, which counts as activity; None if there is none.

    A session also ends `lifetime` after sign-in however busy it is, so a stolen token (or
    a browser left signed in and in use) is not good forever."""
    if not token or len(token) > 200:
        return None
    now = utcnow()
    with sessions() as session:
        row = session.execute(
            select(StaffSession, StaffUser)
            .join(StaffUser, StaffUser.id == StaffSession.user_id)
            .where(StaffSession.token_hash == _digest(token))
        ).first()
        if row is None:
            return None
        live, user = row
        if not user.active or now - live.last_seen_at > idle or now - live.created_at > lifetime:
            session.delete(live)
            session.commit()
            return None
        live.last_seen_at = now
        session.commit()
        return Staff(id=user.id, username=user.username, role=user.role)


def end(sessions: sessionmaker, token: Optional[str]) -> None:
    if token:
        with sessions() as session:
            session.execute(delete(StaffSession).where(StaffSession.token_hash == _digest(token)))
            session.commit()
