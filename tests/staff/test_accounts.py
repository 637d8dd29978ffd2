"""Staff accounts: the rules for names and passwords, and sign-in that slows guessing."""

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from bot.db.models import StaffUser, utcnow
from bot.staff.accounts import (
    AccountError,
    Backoff,
    TooManyAttempts,
    add_user,
    authenticate,
    set_active,
)

PASSWORD = "correct horse battery"
WRONG = "wrong password!"
BACKOFF = Backoff(
    free_attempts=3,
    client_free_attempts=6,
    base=timedelta(seconds=2),
    cap=timedelta(seconds=60),
    window=timedelta(minutes=15),
)


def sign_in(sessions, username, password, client="10.0.0.1", now=None):
    return authenticate(sessions, username, password, client, BACKOFF, now=now)


def waits(sessions, username, client, now):
    """The seconds a try at `now` is told to wait (0: it was let through)."""
    try:
        sign_in(sessions, username, WRONG, client, now)
    except TooManyAttempts as refused:
        return refused.retry_after
    return 0


@pytest.mark.parametrize(
    "username, password, problem",
    [
        ("a", PASSWORD, "a username is"),
        ("<b>x</b>", PASSWORD, "a username is"),
        ("sam", "short", "at least 12"),
        ("sam", "x" * 1025, "longer than 1024"),
        ("sam", " " * 12, "only whitespace"),
        ("sam", " \t\n" * 5, "only whitespace"),
        ("samantha.jones", "samantha.jones", "contain the username"),
        ("sam", "Sam is my name, 2 know", "contain the username"),
        ("sam", "password1234", "too easy to guess: this is a very common password"),
        ("sam", "qwertyuiopasdf", "too easy to guess"),
        ("sam", "iloveyou1234", "too easy to guess"),
        ("sam", "ab" * 50, "too easy to guess"),  # past the 72 characters zxcvbn rates
    ],
)
def test_bad_names_and_passwords_are_refused_with_the_reason(
    sqlite_sessions, username, password, problem
):
    with pytest.raises(AccountError, match=problem):
        add_user(sqlite_sessions, username, password)


@pytest.mark.parametrize("password", [PASSWORD, "Tr0ub4dor&3 wombat", PASSWORD * 4])
def test_passwords_hard_to_guess_are_accepted(sqlite_sessions, password):
    assert add_user(sqlite_sessions, "sam", password).username == "sam"


def test_sign_in_is_case_insensitive_on_the_name_and_exact_on_the_password(sqlite_sessions):
    add_user(sqlite_sessions, "Sam", PASSWORD)
    assert sign_in(sqlite_sessions, " SAM ", PASSWORD).username == "sam"
    assert sign_in(sqlite_sessions, "sam", PASSWORD.upper()) is None
    assert sign_in(sqlite_sessions, "nobody", PASSWORD) is None


def test_a_disabled_account_never_signs_in(sqlite_sessions):
    add_user(sqlite_sessions, "sam", PASSWORD)
    set_active(sqlite_sessions, "sam", False)
    assert sign_in(sqlite_sessions, "sam", PASSWORD) is None


def test_after_the_free_attempts_even_the_right_password_waits_for_the_backoff(sessions):
    add_user(sessions, "sam", PASSWORD)
    now = utcnow()
    for _ in range(3):
        assert sign_in(sessions, "sam", WRONG, now=now) is None
    with pytest.raises(TooManyAttempts, match="try again in 2 seconds"):
        sign_in(sessions, "sam", PASSWORD, now=now)
    with pytest.raises(TooManyAttempts) as refused:
        sign_in(sessions, "sam", PASSWORD, now=now + timedelta(seconds=1.5))
    assert refused.value.retry_after == 1
    assert sign_in(sessions, "sam", PASSWORD, now=now + timedelta(seconds=2)).username == "sam"


def test_the_delay_doubles_with_each_failure_up_to_the_cap(sessions):
    add_user(sessions, "sam", PASSWORD)
    now = utcnow()
    for _ in range(3):
        sign_in(sessions, "sam", WRONG, now=now)
    seen = []
    for _ in range(7):
        delay = waits(sessions, "sam", "10.0.0.1", now)
        seen.append(delay)
        now += timedelta(seconds=delay)
        assert waits(sessions, "sam", "10.0.0.1", now) == 0  # a failure, counted
    assert seen == [2, 4, 8, 16, 32, 60, 60]


def test_a_strangers_failures_cost_the_real_user_only_a_short_delay(sessions):
    add_user(sessions, "sam", PASSWORD)
    now = utcnow()
    for _ in range(3):  # someone else, from somewhere else, guessing sam's password
        sign_in(sessions, "sam", WRONG, client="203.0.113.9", now=now)
    assert waits(sessions, "sam", "10.0.0.1", now) == 2
    later = now + timedelta(seconds=2)
    assert sign_in(sessions, "sam", PASSWORD, client="10.0.0.1", now=later).username == "sam"
    # Signing in cleared sam's failures: the next mistake is a free one again.
    assert sign_in(sessions, "sam", WRONG, client="10.0.0.1", now=later) is None
    assert sign_in(sessions, "sam", PASSWORD, client="10.0.0.1", now=later).username == "sam"


def test_refused_tries_do_not_count_as_failures(sessions):
    add_user(sessions, "sam", PASSWORD)
    now = utcnow()
    for _ in range(3):
        sign_in(sessions, "sam", WRONG, now=now)
    for _ in range(20):  # hammering during the delay does not make it longer
        assert waits(sessions, "sam", "10.0.0.1", now + timedelta(seconds=1)) == 1
    assert sign_in(sessions, "sam", PASSWORD, now=now + timedelta(seconds=2)).username == "sam"


def test_one_client_guessing_many_names_is_slowed_and_others_are_not(sessions):
    add_user(sessions, "sam", PASSWORD)
    now = utcnow()
    for i in range(6):
        sign_in(sessions, f"name{i}", WRONG, client="203.0.113.9", now=now)
    assert waits(sessions, "sam", "203.0.113.9", now) == 2
    assert sign_in(sessions, "sam", PASSWORD, client="10.0.0.1", now=now).username == "sam"


def test_failures_older_than_the_window_are_forgotten(sessions):
    add_user(sessions, "sam", PASSWORD)
    now = utcnow()
    for _ in range(5):
        sign_in(sessions, "sam", WRONG, now=now)
        now += timedelta(seconds=60)
    later = now + BACKOFF.window
    assert sign_in(sessions, "sam", PASSWORD, now=later).username == "sam"


def test_each_role_sees_its_own_work(sessions):
    """Reviewers (clinicians) approve answers and never see callback requests; admins do both;
    the database refuses a role it does not know, whatever the code above it lets through."""
    seen = {}
    for role in ("staff", "admin", "reviewer"):
        staff = add_user(sessions, f"{role}.one", PASSWORD, role=role)
        seen[role] = (staff.works_queue, staff.can_review, staff.is_admin)
        assert sign_in(sessions, f"{role}.one", PASSWORD).role == role
    assert seen == {
        "staff": (True, False, False),
        "admin": (True, True, True),
        "reviewer": (False, True, False),
    }
    with pytest.raises(AccountError, match="the role is one of: staff, admin, reviewer"):
        add_user(sessions, "x.two", PASSWORD, role="clinician")
    with sessions() as session, pytest.raises(IntegrityError):
        session.add(StaffUser(username="x.three", password_hash="x", role="clinician"))
        session.commit()
