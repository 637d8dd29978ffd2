"""A reviewer's decision and its audit entry go together, on SQLite and PostgreSQL: both or
neither."""

import datetime as dt

import pytest
from sqlalchemy import select

from bot.clinical_review import (
    APPROVED_ACTION,
    SENT_BACK_ACTION,
    approve_answer,
    send_back_answer,
)
from bot.content.approval import review_list
from bot.content.edits import EditRefused
from bot.db.models import AuditEntry
from bot.staff.accounts import Staff
from tests.utils.content import replace, write_project

TODAY = dt.date(2026, 12, 1)
REVIEWER = Staff(id=1, username="dr.lee", role="reviewer")


@pytest.fixture
def waiting(tmp_path):
    root = write_project(tmp_path)
    answers = root / "data/responses/faq.yml"
    replace(answers, "needs_clinical_review: false", "needs_clinical_review: true")
    [item] = review_list(root, TODAY, 365).waiting
    return root, item


def entries(sessions):
    with sessions() as session:
        rows = session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
        return [(e.actor, e.action, e.lead_id, e.lead_reference, e.detail) for e in rows]


def test_approving_and_sending_back_are_audited(sessions, waiting):
    root, item = waiting
    send_back_answer(sessions, REVIEWER, root, item.ref, item.version, "Name the drug.", TODAY)
    [again] = review_list(root, TODAY, 365).waiting
    approve_answer(sessions, REVIEWER, root, again.ref, again.version, TODAY)
    detail = "faq.yml utter_faq/prrt [0]"
    assert entries(sessions) == [
        ("dr.lee", SENT_BACK_ACTION, None, None, detail),
        ("dr.lee", APPROVED_ACTION, None, None, detail),
    ]
    assert review_list(root, TODAY, 365).approved == 2


def test_a_refused_decision_leaves_no_audit_entry(sessions, waiting):
    root, item = waiting
    replace(root / "data/responses/faq.yml", "Something short", "Something else")
    with pytest.raises(EditRefused):
        approve_answer(sessions, REVIEWER, root, item.ref, item.version, TODAY)
    assert entries(sessions) == []


def test_when_the_audit_cannot_be_written_the_file_is_put_back(sessions, waiting, monkeypatch):
    root, item = waiting
    before = (root / "data/responses/faq.yml").read_bytes()

    def failing_commit(_session):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("sqlalchemy.orm.Session.commit", failing_commit)
    with pytest.raises(RuntimeError):
        approve_answer(sessions, REVIEWER, root, item.ref, item.version, TODAY)
    assert (root / "data/responses/faq.yml").read_bytes() == before


def test_only_reviewers_and_admins_decide(sessions, waiting):
    root, item = waiting
    staff = Staff(id=2, username="sam", role="staff")
    with pytest.raises(PermissionError):
        approve_answer(sessions, staff, root, item.ref, item.version, TODAY)
    admin = Staff(id=3, username="ada", role="admin")
    approve_answer(sessions, admin, root, item.ref, item.version, TODAY)
    assert [e[:2] for e in entries(sessions)] == [("ada", APPROVED_ACTION)]
