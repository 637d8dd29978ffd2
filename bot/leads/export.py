"""CSV export of the leads created in a range of days, for admins; each exported lead is
audited, since the file carries personal data out of the system."""

import csv
import io
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.db.models import Lead
from bot.leads import audit
from bot.leads.errors import Forbidden, LeadError
from bot.staff.accounts import Staff

COLUMNS = (
    "reference",
    "created_at",
    "status",
    "reason",
    "name",
    "phone",
    "email",
    "preferred_time",
    "diagnosis_status",
    "attempts",
    "closed_reason",
    "note",
    "consent_at",
    "notice_version",
)
# What a spreadsheet would run as a formula when a cell starts with it (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_csv(sessions: sessionmaker, first: date, last: date, staff: Staff) -> str:
    """The leads created from day `first` to day `last` (UTC), both included, as CSV."""
    if not staff.is_admin:
        raise Forbidden("exports are for admins")
    if last < first:
        raise LeadError("the end of the range must not be before its start")
    if last == date.max:  # the day after it, where the range stops, is not a date
        raise LeadError(f"the end of the range must be before {date.max}")
    start = datetime.combine(first, time.min, tzinfo=timezone.utc)
    end = datetime.combine(last, time.min, tzinfo=timezone.utc) + timedelta(days=1)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    with sessions() as session:
        leads = session.execute(
            select(Lead)
            .where(Lead.created_at >= start, Lead.created_at < end)
            .order_by(Lead.created_at, Lead.id)
        ).scalars()
        for lead in leads:
            writer.writerow([_cell(getattr(lead, column)) for column in COLUMNS])
            audit.record(
                session, staff.username, "exported", lead, f"in the export of {first} to {last}"
            )
        session.commit()
    return out.getvalue()


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
