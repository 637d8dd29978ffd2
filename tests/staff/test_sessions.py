"""Signed-in sessions: kept as token hashes, ended by idleness, sign-out or a disabled account."""

from datetime import timedelta

from sqlalchemy import select, update

from bot.db.models import StaffSession, utcnow
from bot.staff import sessions as staff_sessions
from bot.staff.accounts import add_user, set_active

IDLE = timedelta(minutes=15)


def test_a_session_resumes_and_only_its_hash_is_stored(sqlite_sessions):
    staff = add_user(sqlite_sessions, "sam", "correct horse battery")
    token = staff_sessions.start(sqlite_sessions, staff)
    assert staff_sessions.resume(sqlite_sessions, token, IDLE) == staff
    with sqlite_sessions() as session:
        stored = session.execute(select(StaffSession.token_hash)).scalar_one()
    assert token not in stored
    assert staff_sessions.resume(sqlite_sessions, "forged", IDLE) is None
    assert staff_sessions.resume(sqlite_sessions, "x" * 500, IDLE) is None


def test_idleness_sign_out_and_disabling_end_a_session(sqlite_sessions):
    staff = add_user(sqlite_sessions, "sam", "correct horse battery")
    idle = staff_sessions.start(sqlite_sessions, staff)
    with sqlite_sessions() as session:
        session.execute(update(StaffSession).values(last_seen_at=utcnow() - IDLE * 2))
        session.commit()
    assert staff_sessions.resume(sqlite_sessions, idle, IDLE) is None

    signed_out = staff_sessions.start(sqlite_sessions, staff)
    staff_sessions.end(sqlite_sessions, signed_out)
    assert staff_sessions.resume(sqlite_sessions, signed_out, IDLE) is None

    live = staff_sessions.start(sqlite_sessions, staff)
    set_active(sqlite_sessions, "sam", False)
    assert staff_sessions.resume(sqlite_sessions, live, IDLE) is None


def test_disabling_deletes_the_sessions_so_enabling_does_not_revive_them(sessions):
    staff = add_user(sessions, "sam", "correct horse battery")
    other = add_user(sessions, "ada", "correct horse battery")
    tokens = [staff_sessions.start(sessions, staff) for _ in range(2)]
    kept = staff_sessions.start(sessions, other)
    set_active(sessions, "sam", False)
    set_active(sessions, "sam", True)
    assert [staff_sessions.resume(sessions, token, IDLE) for token in tokens] == [None, None]
    with sessions() as session:
        assert session.execute(select(StaffSession.user_id)).scalars().all() == [other.id]
    assert staff_sessions.resume(sessions, kept, IDLE) == other
