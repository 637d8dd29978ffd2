"""`python -m bot staff ...`: accounts from the server's command line, with plain errors."""

from datetime import timedelta

from bot.db import migrate
from bot.db.engine import make_engine, session_factory
from bot.staff.accounts import Backoff, authenticate
from tests.utils.cli import bot_command
from tests.utils.databases import sqlite_url

PASSWORD = "correct horse battery"


def test_accounts_are_added_listed_disabled_and_enabled(tmp_path):
    url = sqlite_url(tmp_path)
    migrate.upgrade(url)

    def cli(*argv, stdin=""):
        return bot_command(*argv, database_url=url, stdin=stdin)

    assert cli("staff", "add", "Sam", "--password-stdin", stdin=PASSWORD + "\n").returncode == 0
    short = cli("staff", "add", "tim", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "at least 12 characters" in short.stderr
    common = cli("staff", "add", "tim", "--password-stdin", stdin="password1234\n")
    assert common.returncode == 1 and "too easy to guess" in common.stderr
    twice = cli("staff", "add", "sam", "--password-stdin", stdin=PASSWORD + "\n")
    assert twice.returncode == 1 and "exists already" in twice.stderr
    bad = cli("staff", "add", "<script>", "--password-stdin", stdin=PASSWORD + "\n")
    assert bad.returncode == 1 and "a username is" in bad.stderr
    assert cli("staff", "disable", "sam").returncode == 0
    assert "sam" in cli("staff", "list").stdout and "disabled" in cli("staff", "list").stdout
    nobody = cli("staff", "enable", "nobody")
    assert nobody.returncode == 1 and "no account 'nobody'" in nobody.stderr
    assert cli("staff", "enable", "sam").returncode == 0

    engine = make_engine(url)
    backoff = Backoff(5, 20, timedelta(seconds=1), timedelta(minutes=15), timedelta(hours=1))
    signed_in = authenticate(session_factory(engine), "sam", PASSWORD, "test", backoff)
    engine.dispose()
    assert signed_in is not None and signed_in.username == "sam"


def test_a_reviewer_account_is_created_and_listed(tmp_path):
    url = sqlite_url(tmp_path)
    migrate.upgrade(url)
    added = bot_command(
        "staff",
        "add",
        "dr.lee",
        "--role",
        "reviewer",
        "--password-stdin",
        database_url=url,
        stdin=PASSWORD + "\n",
    )
    assert added.returncode == 0 and "account 'dr.lee' (reviewer) created" in added.stdout
    listed = bot_command("staff", "list", database_url=url).stdout.split()
    assert listed == ["dr.lee", "reviewer", "active"]
    unknown = bot_command(
        "staff", "add", "x.y", "--role", "clinician", "--password-stdin", database_url=url
    )
    assert unknown.returncode == 2 and "invalid choice: 'clinician'" in unknown.stderr
