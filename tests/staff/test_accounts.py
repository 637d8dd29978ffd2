"""Staff accounts: the rules for names and passwords, and sign-in with a limit on guessing."""

from datetime import timedelta

import pytest

from bot.staff.accounts import AccountError, TooManyAttempts, add_user, authenticate, set_active

PASSWORD = "correct horse battery"
WINDOW = timedelta(minutes=15)


def sign_in(sessions, username, password, client="10.0.0.1"):
    return authenticate(sessions, username, password, client, max_failures=3, window=WINDOW)


@pytest.mark.parametrize(
    "username, password, problem",
    [
        ("a", PASSWORD, "a username is"),
        ("<b>x</b>", PASSWORD, "a username is"),
        ("sam", "short", "at least 12"),
        ("sam", "x" * 1025, "longer than 1024"),
    ],
)
def test_bad_names_and_passwords_are_refused_with_the_reason(
    sqlite_sessions, username, password, problem
):
    with pytest.raises(AccountError, match=problem):
        add_user(sqlite_sessions, username, password)


def test_sign_in_is_case_insensitive_on_the_name_and_exact_on_the_password(sqlite_sessions):
    add_user(sqlite_sessions, "Sam", PASSWORD)
    assert sign_in(sqlite_sessions, " SAM ", PASSWORD).username == "sam"
    assert sign_in(sqlite_sessions, "sam", PASSWORD.upper()) is None
    assert sign_in(sqlite_sessions, "nobody", PASSWORD) is None


def test_a_disabled_account_never_signs_in(sqlite_sessions):
    add_user(sqlite_sessions, "sam", PASSWORD)
    set_active(sqlite_sessions, "sam", False)
    assert sign_in(sqlite_sessions, "sam", PASSWORD) is None


def test_guessing_stops_after_the_limit(sqlite_sessions):
    add_user(sqlite_sessions, "sam", PASSWORD)
    for _ in range(3):
        assert sign_in(sqlite_sessions, "sam", "wrong password!") is None
    with pytest.raises(TooManyAttempts):
        sign_in(sqlite_sessions, "sam", PASSWORD)
