"""Staff accounts: Argon2id password hashes, roles, switching an account off, and sign-in
that slows guessing down.

argon2-cffi is the reference binding of the Password Hashing Competition winner; its
PasswordHasher picks Argon2id with current parameters and says when a stored hash should be
upgraded, so no hashing code is written here.
"""

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, List, Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker
from zxcvbn import zxcvbn

from bot.db.models import ROLES, LoginFailure, StaffSession, StaffUser, utcnow

# The roles, named here for the layers above the database (the web service, the CLI).
__all__ = [
    "ROLES",
    "AccountError",
    "Backoff",
    "Staff",
    "TooManyAttempts",
    "add_user",
    "authenticate",
    "check_password_rules",
    "find",
    "list_users",
    "set_active",
]

_hasher = PasswordHasher()
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD_LENGTH = 12
# zxcvbn's 0-4 scale; 3 is "safely unguessable" (about 10^10 guesses or more).
MIN_PASSWORD_SCORE = 3


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Checked against when the username does not exist, so the time taken does not tell
    which usernames exist. Made on first use, not at import (every CLI call imports this)."""
    return _hasher.hash("not a real password, only here to spend the same time")


class AccountError(ValueError):
    """A request about an account that cannot be done; the message is safe to show."""


@dataclass(frozen=True)
class Staff:
    """The signed-in person, as the queue and the audit log need them."""

    id: int
    username: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def works_queue(self) -> bool:
        """Sees callback requests (patients' contact details): staff and admins."""
        return self.role in ("staff", "admin")

    @property
    def can_review(self) -> bool:
        """Approves answers on the review page: reviewers and admins."""
        return self.role in ("reviewer", "admin")


def _staff(user: StaffUser) -> Staff:
    return Staff(id=user.id, username=user.username, role=user.role)


def check_password_rules(password: str, username: str) -> None:
    """Refuse passwords that a guesser tries first. Length alone lets through
    "password1234" and the username with digits; zxcvbn (Dropbox's estimator) knows common
    passwords, words, names, keyboard runs and dates, and is told the username too."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > 1024:
        raise AccountError("the password is longer than 1024 characters")
    if not password.strip():
        raise AccountError("the password cannot be only whitespace")
    if username.strip().lower() in password.lower():
        raise AccountError("the password must not contain the username")
    # zxcvbn refuses to rate more than 72 characters (its matching grows fast with length);
    # a password whose first 72 characters are hard to guess is hard to guess.
    strength = zxcvbn(password[:72], user_inputs=[username])
    if strength["score"] < MIN_PASSWORD_SCORE:
        warning = strength["feedback"]["warning"].rstrip(".")
        raise AccountError(
            "the password is too easy to guess"
            + (f": {warning[:1].lower()}{warning[1:]}" if warning else "")
        )


def add_user(sessions: sessionmaker, username: str, password: str, role: str = "staff") -> Staff:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise AccountError("a username is 2-64 characters: a-z, 0-9, '.', '_' or '-'")
    if role not in ROLES:
        raise AccountError(f"the role is one of: {', '.join(ROLES)}")
    check_password_rules(password, username)
    with sessions() as session:
        if _user(session, username) is not None:
            raise AccountError(f"the account '{username}' exists already")
        user = StaffUser(username=username, password_hash=_hasher.hash(password), role=role)
        session.add(user)
        session.commit()
        return _staff(user)


def set_active(sessions: sessionmaker, username: str, active: bool) -> None:
    """Switch an account off (or on again). Switching off deletes its sessions, so that
    switching it on again does not bring back a session a lost laptop or a former holder of
    the account still has."""
    with sessions() as session:
        user = _user(session, username)
        if user is None:
            raise AccountError(f"there is no account '{username}'")
        user.active = active
        if not active:
            session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
        session.commit()


def list_users(sessions: sessionmaker) -> List[StaffUser]:
    with sessions() as session:
        return list(session.execute(select(StaffUser).order_by(StaffUser.username)).scalars())


def find(sessions: sessionmaker, username: str) -> Optional[Staff]:
    with sessions() as session:
        user = _user(session, username)
        return _staff(user) if user is not None and user.active else None


def _user(session: Session, username: str) -> Optional[StaffUser]:
    return session.execute(
        select(StaffUser).where(StaffUser.username == username.strip().lower())
    ).scalar_one_or_none()


class TooManyAttempts(Exception):
    """Sign-in refused without checking the password: guessing is being slowed down. The
    message is the same whoever asks, so it tells nothing about the account."""

    def __init__(self, retry_after: int):
        super().__init__(f"Too many attempts, try again in {retry_after} seconds.")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Backoff:
    """How sign-in slows guessing. A hard lockout would let anyone lock the real user out
    (or, per client, everyone behind one proxy) by failing on purpose; a delay that doubles
    with each failure makes guessing slow while a stranger's few failures cost the real user
    only seconds."""

    free_attempts: int  # per username
    client_free_attempts: int  # per client address
    base: timedelta
    cap: timedelta
    window: timedelta  # failures older than this are forgotten

    def delay(self, failures: int, free: int) -> timedelta:
        if failures < free:
            return timedelta(0)
        # The exponent is bounded so that no count of failures can overflow a timedelta.
        return min(self.cap, self.base * 2 ** min(failures - free, 40))


def authenticate(
    sessions: sessionmaker,
    username: str,
    password: str,
    client: str,
    backoff: Backoff,
    now: Optional[datetime] = None,
) -> Optional[Staff]:
    """The account for these credentials, or None. Disabled accounts never sign in.

    Failures are kept in the database (so the backoff holds across restarts and processes),
    per username and per client address; a try that comes before the backoff allows raises
    TooManyAttempts and is not counted. Signing in clears the username's failures, not the
    client's: otherwise one valid account would reset a guesser's count for all the others.
    """
    username = username.strip().lower()[:64]
    client = client[:64]
    now = now or utcnow()
    with sessions() as session:
        session.execute(delete(LoginFailure).where(LoginFailure.at < now - backoff.window))
        wait = max(
            _wait(session, LoginFailure.username == username, backoff.free_attempts, backoff, now),
            _wait(
                session, LoginFailure.client == client, backoff.client_free_attempts, backoff, now
            ),
        )
        if wait > timedelta(0):
            session.commit()
            raise TooManyAttempts(math.ceil(wait.total_seconds()))
        user = _user(session, username)
        if (
            _verify(user.password_hash if user else _dummy_hash(), password)
            and user
            and user.active
        ):
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = _hasher.hash(password)
            session.execute(delete(LoginFailure).where(LoginFailure.username == username))
            session.commit()
            return _staff(user)
        session.add(LoginFailure(username=username, client=client, at=now))
        session.commit()
        return None


def _wait(session: Session, which: Any, free: int, backoff: Backoff, now: datetime) -> timedelta:
    """How long from `now` until the failures matching `which` allow another try."""
    failures, last = session.execute(
        select(func.count(LoginFailure.id), func.max(LoginFailure.at)).where(
            which, LoginFailure.at >= now - backoff.window
        )
    ).one()
    if not failures:
        return timedelta(0)
    return max(timedelta(0), last + backoff.delay(failures, free) - now)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
