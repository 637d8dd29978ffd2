"""SQLAlchemy models. Written in the 2.0 style (select(), Session.execute) on SQLAlchemy 1.4,
which Rasa pins; portable between SQLite (embedded default) and PostgreSQL (production)."""
from datetime import datetime, timezone

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base

# Named constraints, so that migrations can drop and alter them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
Base = declarative_base(metadata=MetaData(naming_convention=NAMING))

REASONS = ("appointment", "second_opinion")
DIAGNOSIS_STATUSES = ("yes", "no", "not_sure")
STATUSES = ("new", "claimed", "contacted", "closed")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Lead(Base):
    """A visitor's callback request: the minimum needed to call back, and proof of consent."""

    __tablename__ = "leads"

    id = Column(Integer, primary_key=True)
    reference = Column(String(16), nullable=False, unique=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    reason = Column(String(20), nullable=False)
    name = Column(String(100), nullable=False)
    phone = Column(String(20), nullable=False)  # E.164
    email = Column(String(254))
    preferred_time = Column(String(100), nullable=False)
    diagnosis_status = Column(String(10), nullable=False)
    consent_at = Column(DateTime(timezone=True), nullable=False)
    notice_version = Column(String(20), nullable=False)
    conversation_id = Column(String(128), nullable=False)
    submission_id = Column(String(64), nullable=False)
    status = Column(String(12), nullable=False, default="new")
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        # Exactly once: a retried or concurrent submit of the same form hits this constraint.
        UniqueConstraint("conversation_id", "submission_id", name="uq_leads_submission"),
        CheckConstraint(_one_of("reason", REASONS), name="reason"),
        CheckConstraint(_one_of("diagnosis_status", DIAGNOSIS_STATUSES), name="diagnosis_status"),
        CheckConstraint(_one_of("status", STATUSES), name="status"),
        # The queue reads new requests oldest first.
        Index("ix_leads_status_created_at", "status", "created_at"),
    )
