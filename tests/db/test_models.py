"""Times come back from every backend as aware UTC datetimes, whatever the driver does."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from bot.db.models import StaffUser


def test_times_are_stored_in_utc_and_read_back_aware(sessions):
    berlin = timezone(timedelta(hours=1))
    created = datetime(2026, 11, 30, 10, 0, tzinfo=berlin)
    with sessions() as session:
        session.add(StaffUser(username="ada", password_hash="x", created_at=created))
        session.commit()
    with sessions() as session:
        stored = session.execute(select(StaffUser.created_at)).scalar_one()
    assert stored.utcoffset() == timedelta(0)
    assert stored == created  # the same instant, now expressed in UTC


def test_a_naive_time_is_refused_rather_than_guessed(sessions):
    with sessions() as session:
        session.add(
            StaffUser(username="ada", password_hash="x", created_at=datetime(2026, 11, 30, 10, 0))
        )
        with pytest.raises(StatementError, match="naive datetime"):
            session.commit()
