"""SQLAlchemy models. Written in the 2.0 style (select(), Session.execute) on SQLAlchemy 1.4,
which Rasa pins; portable between SQLite (embedded default) and PostgreSQL (production)."""

from datetime import datetime, timezone
from typing import Any, Iterable, Optional

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator

# Named constraints, so that migrations can drop and alter them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# Any: SQLAlchemy 1.4's declarative base has no type information without its mypy plugin.
Base: Any = declarative_base(metadata=MetaData(naming_convention=NAMING))

REASONS = ("appointment", "second_opinion")
DIAGNOSIS_STATUSES = ("yes", "no", "not_sure")
# A lead waits as `new`, is `claimed` by one staff member for a lease, and ends `contacted`
# or `closed`; `no_answer` waits for its retry time and then is in the queue again.
STATUSES = ("new", "claimed", "no_answer", "contacted", "closed")
OPEN_STATUSES = ("new", "claimed", "no_answer")
CLOSE_REASONS = ("appointment_booked", "not_needed", "unreachable", "duplicate", "other")
# `staff` works the callback queue, `admin` also manages accounts and exports, `reviewer` (a
# clinician) approves answers on the review page and sees no callback request.
ROLES = ("staff", "admin", "reviewer")
# What a miss was (bot/unanswered/): the intent classifier unsure (`fallback`), a question the
# assistant does not answer (`out_of_scope`), a FAQ whose topic the gate withheld
# (`unsure_topic`), no rule for the turn (`core_fallback`), and an emergency answer to a message
# that was none, marked by staff (`false_emergency`; no staff screen for it yet).
MISS_KINDS = ("fallback", "out_of_scope", "unsure_topic", "core_fallback", "false_emergency")
# What the analytics page counts a day (bot/analytics/): a conversation started, a FAQ answer
# given (key: its topic), a conversation's first FAQ answer, a message the assistant could not
# answer (key: the kind of miss), an emergency takeover.
METRICS = ("conversation", "answer", "answered_conversation", "miss", "emergency")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Every stored time is UTC; this gives it back as an aware datetime on every backend.

    SQLite has no time zones and returns naive datetimes, PostgreSQL aware ones: without this,
    every reader would have to patch the difference (and comparing the two kinds raises).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Any) -> Optional[datetime]:
        if value is not None and value.tzinfo is None:
            raise ValueError("a naive datetime would be ambiguous: pass an aware UTC time")
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value: Optional[datetime], dialect: Any) -> Optional[datetime]:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def _one_of(column: str, values: Iterable[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Lead(Base):
    """A visitor's callback request: the minimum needed to call back, and proof of consent."""

    __tablename__ = "leads"

    id = Column(Integer, primary_key=True)
    reference = Column(String(16), nullable=False, unique=True)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    reason = Column(String(20), nullable=False)
    name = Column(String(100), nullable=False)
    phone = Column(String(20), nullable=False)  # E.164
    email = Column(String(254))
    preferred_time = Column(String(100), nullable=False)
    diagnosis_status = Column(String(10), nullable=False)
    consent_at = Column(UTCDateTime(), nullable=False)
    notice_version = Column(String(20), nullable=False)
    conversation_id = Column(String(128), nullable=False)
    submission_id = Column(String(64), nullable=False)
    # A hash of the website channel's key for the visitor's address, never the address: it
    # only counts one client's requests per hour (bot/leads/store.py). None from other channels.
    client_key = Column(String(64))
    status = Column(String(12), nullable=False, default="new")
    updated_at = Column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)
    # Working the queue (bot/leads/queue.py). Who did what and when is in the audit log.
    claimed_by = Column(Integer, ForeignKey("staff_users.id"))
    claimed_at = Column(UTCDateTime())
    lease_expires_at = Column(UTCDateTime())
    claim_token = Column(String(32))  # tells a claimer which row its one UPDATE took
    attempts = Column(Integer, nullable=False, default=0)
    retry_at = Column(UTCDateTime())
    closed_reason = Column(String(20))
    note = Column(String(500))

    __table_args__ = (
        # Exactly once: a retried or concurrent submit of the same form hits this constraint.
        UniqueConstraint("conversation_id", "submission_id", name="uq_leads_submission"),
        CheckConstraint(_one_of("reason", REASONS), name="reason"),
        CheckConstraint(_one_of("diagnosis_status", DIAGNOSIS_STATUSES), name="diagnosis_status"),
        CheckConstraint(_one_of("status", STATUSES), name="status"),
        CheckConstraint(
            f"closed_reason IS NULL OR {_one_of('closed_reason', CLOSE_REASONS)}",
            name="closed_reason",
        ),
        # The queue reads new requests oldest first.
        Index("ix_leads_status_created_at", "status", "created_at"),
        # A client's requests of the last hour are counted before each new one.
        Index("ix_leads_client_key_created_at", "client_key", "created_at"),
    )


class StaffUser(Base):
    """An individual staff account: no shared passwords, and one can be switched off."""

    __tablename__ = "staff_users"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    password_hash = Column(String(200), nullable=False)  # Argon2id (bot/staff/accounts.py)
    role = Column(String(10), nullable=False, default="staff")  # one of ROLES
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)

    __table_args__ = (CheckConstraint(_one_of("role", ROLES), name="role"),)


class StaffSession(Base):
    """A signed-in browser or API client. Only a hash of the token is stored, so a copy of
    the database does not let anyone sign in."""

    __tablename__ = "staff_sessions"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    user_id = Column(Integer, ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    last_seen_at = Column(UTCDateTime(), nullable=False, default=utcnow)


class LoginFailure(Base):
    """Failed sign-ins, counted per username and per client to slow down guessing."""

    __tablename__ = "login_failures"

    id = Column(Integer, primary_key=True)
    at = Column(UTCDateTime(), nullable=False, default=utcnow)
    username = Column(String(64), nullable=False)
    client = Column(String(64), nullable=False)

    __table_args__ = (Index("ix_login_failures_at", "at"),)


class AuditEntry(Base):
    """Who viewed, claimed, changed, exported or deleted which lead, and when.

    It names the lead by id and reference code only: no name, phone, e-mail or note is ever
    copied here, so the record can outlive a deleted lead.
    """

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    at = Column(UTCDateTime(), nullable=False, default=utcnow)
    actor = Column(String(64), nullable=False)
    action = Column(String(20), nullable=False)
    lead_id = Column(Integer)  # no foreign key: the entry stays when the lead is deleted
    lead_reference = Column(String(16))
    detail = Column(String(200))

    __table_args__ = (
        Index("ix_audit_log_lead_id", "lead_id"),
        # How many leads someone opened in the last minute (bot/leads/queue.py view).
        Index("ix_audit_log_actor_at", "actor", "at"),
    )


class Unanswered(Base):
    """A message the assistant could not answer, for the content team to read.

    The least that is useful: the text with personal data scrubbed out (bot/unanswered/scrub.py),
    the kind of miss, the bot's guess and its confidence, the day. No conversation id, time of
    day, address or anything else that could lead back to the visitor.
    """

    __tablename__ = "unanswered"

    id = Column(Integer, primary_key=True)
    day = Column(Date, nullable=False)  # UTC
    kind = Column(String(20), nullable=False)
    text = Column(String(500), nullable=False)
    guess = Column(String(80))  # faq/<topic> or an intent
    confidence = Column(Float)
    handled_as = Column(String(80))  # the label it became a training example of

    __table_args__ = (
        CheckConstraint(_one_of("kind", MISS_KINDS), name="kind"),
        # The list reads the open ones of the last days; retention deletes by day.
        Index("ix_unanswered_day", "day"),
    )


class DailyCount(Base):
    """How often something happened on a day, for the analytics page: counted as it happens,
    never read out of transcripts, and with nothing that points to a conversation or a
    visitor (no id, no text, no time of day). `key` is a FAQ topic or a kind of miss, or empty.
    """

    __tablename__ = "daily_counts"

    day = Column(Date, primary_key=True)  # UTC
    metric = Column(String(24), primary_key=True)
    key = Column(String(64), primary_key=True, default="")
    count = Column(Integer, nullable=False, default=0)

    __table_args__ = (CheckConstraint(_one_of("metric", METRICS), name="metric"),)


class ModelPublication(Base):
    """A trained model made live for the Rasa servers (bot/models/registry.py).

    The file is kept under its sha256 in the published models directory; this row says who
    published it, when, with which quality-gate results, whether it is the live one, and
    whether a rollback withdrew it (a withdrawn publication is never brought back by a
    rollback; publishing the file again makes a new row).
    """

    __tablename__ = "model_publications"

    id = Column(Integer, primary_key=True)
    file_name = Column(String(255), nullable=False)  # the published file's own name
    sha256 = Column(String(64), nullable=False)
    actor = Column(String(64), nullable=False)
    published_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    gate = Column(Text)  # the quality gate's results as JSON, as the publisher gave them
    live = Column(Boolean, nullable=False, default=False)
    withdrawn_at = Column(UTCDateTime())

    __table_args__ = (
        # One live model, whatever two publishers do at once.
        Index(
            "uq_model_publications_live",
            "live",
            unique=True,
            sqlite_where=live.is_(True),
            postgresql_where=live.is_(True),
        ),
        Index("ix_model_publications_sha256", "sha256"),
    )
