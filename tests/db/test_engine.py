"""A database error's message is logged (the outbox, tracebacks): it never carries the values
the statement tried to write, on either backend. (PostgreSQL's own DETAIL still names the
value of a violated unique key; the leads' unique keys are ids, never contact details.)"""

import pytest
from sqlalchemy.exc import IntegrityError

from bot.db.models import StaffUser

WRITTEN = "Rosalind Achterberg 617 555 0188"


def test_a_failed_statement_does_not_show_its_values(sessions):
    with sessions() as session:
        session.add(StaffUser(username="ada", password_hash="x"))
        session.commit()
    with sessions() as session:
        session.add(StaffUser(username="ada", password_hash=WRITTEN))
        with pytest.raises(IntegrityError) as failed:
            session.commit()
    assert "parameters hidden" in str(failed.value) and WRITTEN not in str(failed.value)
