"""Staff accounts and leads for the queue's tests, on each database backend."""

import pytest

from bot.staff.accounts import add_user

WORKERS = 10


@pytest.fixture
def staff(sessions):
    return [add_user(sessions, f"worker{i}", "correct horse battery") for i in range(WORKERS)]


@pytest.fixture
def admin(sessions):
    return add_user(sessions, "boss", "correct horse battery", role="admin")
