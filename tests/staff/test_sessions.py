"""Signed-in sessions: kept as token hashes, ended by idleness, age, sign-out or a disabled
account."""

from datetime import timedelta

from sqlalchemy import select, update

from bot.db.models import StaffSession, utcnow
from bot.staff import sessions as staff_sessions
from bot.staff.accounts import add_user, set_active

IDLE = timedelta(minutes=15)
LIFETIME = timedelta(hours=12)


def test_a_session_resumes_and_only_its_hash_is_stored(sqlite_sessions):
    staff = add_user(sqlite_sessions, "sam", "correct horse battery")
    token = staff_sessions.start(sqlite_sessions, staff)
    assert staff_sessions.resume(sqlite_sessions, token, IDLE, LIFETIME) == staff
    with sqlite_sessions() as session:
        stored = session.execute(select(StaffSession.token_hash)).scalar_one()
    assert token not in stored
    assert staff_sessions.resume(sqlite_sessions, "forged", IDLE, LIFETIME) is None
    assert staff_sessions.resume(sqlite_sessions, "x" * 500, IDLE, LIFETIME) is None


def test_idleness_sign_out_and_disabling_end_a_session(sqlite_sessions):
    staff = add_user(sqlite_sessions, "sam", "correct horse battery")
    idle = staff_sessions.start(sqlite_sessions, staff)
    with sqlite_sessions() as session:
        session.execute(update(StaffSession).values(last_seen_at=utcnow() - IDLE * 2))
        session.commit()
    assert staff_sessions.resume(sqlite_sessions, idle, IDLE, LIFETIME) is None

    signed_out = staff_sessions.start(sqlite_sessions, staff)
    staff_sessions.end(sqlite_sessions, signed_out)
    assert staff_sessions.resume(sqlite_sessions, signed_out, IDLE, LIFETIME) is None

    live = staff_sessions.start(sqlite_sessions, staff)
    set_active(sqlite_sessions, "sam", False)
    assert staff_sessions.resume(sqlite_sessions, live, IDLE, LIFETIME) is None


def test_disabling_deletes_the_sessions_so_enabling_does_not_revive_them(sessions):
    staff = add_user(sessions, "sam", "correct horse battery")
    other = add_user(sessions, "ada", "correct horse battery")
    tokens = [staff_sessions.start(sessions, staff) for _ in range(2)]
    kept = staff_sessions.start(sessions, other)
    set_active(sessions, "sam", False)
    set_active(sessions, "sam", True)
    assert [staff_sessions.resume(sessions, token, IDLE, LIFETIME) for token in tokens] == [
        None,
        None,
    ]
    with sessions() as session:
        assert session.execute(select(StaffSession.user_id)).scalars().all() == [other.id]
    assert staff_sessions.resume(sessions, kept, IDLE, LIFETIME) == other


def test_a_busy_session_still_ends_its_lifetime_after_sign_in(sessions):
    staff = add_user(sessions, "sam", "correct horse battery")
    old = staff_sessions.start(sessions, staff)
    with sessions() as session:  # signed in long ago, but in use a moment ago
        session.execute(
            update(StaffSession).values(
                created_at=utcnow() - LIFETIME - timedelta(minutes=1), last_seen_at=utcnow()
            )
        )
        session.commit()
    young = staff_sessions.start(sessions, staff)
    assert staff_sessions.resume(sessions, old, IDLE, LIFETIME) is None
    assert staff_sessions.resume(sessions, young, IDLE, LIFETIME) == staff
    with sessions() as session:  # the ended session is deleted, not only refused
        assert len(session.execute(select(StaffSession)).all()) == 1
