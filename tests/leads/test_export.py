"""The CSV export: admins only, a range of whole days, formulas defused, every row audited."""

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.db.models import AuditEntry, utcnow
from bot.leads.errors import Forbidden, LeadError
from bot.leads.export import export_csv
from tests.utils.factories import inserted_lead, stored_leads


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_export_is_csv_for_admins_only_and_defuses_formulas(sessions, staff, admin):
    # The form refuses such a name; a row written past it must still be defused.
    for submission in ("s1", "s2"):
        inserted_lead(sessions, submission=submission, name='=HYPERLINK("http://evil")')
    today = utcnow().date()
    with pytest.raises(Forbidden):
        export_csv(sessions, today, today, staff[0])
    exported = rows(export_csv(sessions, today, today, admin))
    assert len(exported) == 2
    assert exported[0]["name"].startswith("'=")
    with sessions() as session:
        audited = session.execute(select(AuditEntry).where(AuditEntry.action == "exported"))
        assert sorted(e.lead_reference for e in audited.scalars()) == sorted(
            row["reference"] for row in exported
        )


def test_the_range_is_whole_days_and_must_not_run_backwards(sessions, admin):
    stored_leads(sessions, 1)
    today = utcnow().date()
    assert (
        rows(export_csv(sessions, today + timedelta(days=1), today + timedelta(days=2), admin))
        == []
    )
    assert len(rows(export_csv(sessions, date(2000, 1, 1), today, admin))) == 1
    with pytest.raises(LeadError, match="end of the range"):
        export_csv(sessions, today, today - timedelta(days=1), admin)


def test_a_range_reaching_the_last_representable_day_is_refused_with_the_reason(sessions, admin):
    stored_leads(sessions, 1)
    with pytest.raises(LeadError, match="end of the range must be before 9999-12-31"):
        export_csv(sessions, date(2000, 1, 1), date.max, admin)
    assert len(rows(export_csv(sessions, date.min, date.max - timedelta(days=1), admin))) == 1
