"""`python -m bot queue ...` against a real database, as staff use it."""

import csv
import io
import json

from bot.db import migrate
from bot.db.engine import make_engine, session_factory
from bot.leads.outbox import Outbox
from bot.leads.store import store_lead
from tests.utils.cli import bot_command
from tests.utils.databases import sqlite_url
from tests.utils.factories import inserted_lead, request_for

PASSWORD = "correct horse battery\n"


def database_with(tmp_path, *requests):
    url = sqlite_url(tmp_path)
    migrate.upgrade(url)
    engine = make_engine(url)
    leads = [store_lead(session_factory(engine), request)[0] for request in requests]
    engine.dispose()
    return url, leads


def test_queue_list_prints_leads_as_json(tmp_path):
    url, _ = database_with(tmp_path, request_for(reason="second_opinion"))
    result = bot_command("queue", "list", "--format", "json", database_url=url)
    assert result.returncode == 0, result.stderr
    [lead] = json.loads(result.stdout)
    assert (lead["reason"], lead["phone"], lead["conversation_id"]) == (
        "second_opinion",
        "+16175550123",
        "c1",
    )


def test_queue_drain_writes_parked_requests_and_says_what_still_waits(tmp_path):
    outbox = Outbox(tmp_path / "outbox.sqlite")
    outbox.park(request_for())
    env = {"OUTBOX_PATH": str(outbox.path)}
    # Nothing listens on port 1: still unreachable, the request keeps waiting.
    down = bot_command(
        "queue", "drain", env=env, database_url="postgresql+psycopg2://postgres@127.0.0.1:1/net"
    )
    assert (down.returncode, down.stdout.strip()) == (1, "0 request(s) written, 1 still waiting")
    url, _ = database_with(tmp_path)
    up = bot_command("queue", "drain", database_url=url, env=env)
    assert (up.returncode, up.stdout.strip()) == (0, "1 request(s) written, 0 still waiting")
    assert outbox.count() == 0


def test_staff_work_the_queue_from_the_command_line(tmp_path):
    url, _ = database_with(tmp_path)
    # The form refuses such a name; a row written past it must still be defused on export.
    engine = make_engine(url)
    lead = inserted_lead(session_factory(engine), name="=cmd|' /C calc'!A0")
    engine.dispose()

    def cli(*argv, stdin=""):
        return bot_command(*argv, database_url=url, stdin=stdin)

    assert (
        cli("staff", "add", "ada", "--role", "admin", "--password-stdin", stdin=PASSWORD).returncode
        == 0
    )
    assert cli("staff", "add", "sam", "--password-stdin", stdin=PASSWORD).returncode == 0
    claimed = cli("queue", "claim", "--as", "sam")
    assert claimed.returncode == 0, claimed.stderr
    assert json.loads(claimed.stdout)["reference"] == lead.reference
    assert "the queue is empty" in cli("queue", "claim", "--as", "ada").stdout
    taken = cli("queue", "update", lead.reference, "--as", "ada", "--outcome", "contacted")
    assert taken.returncode == 1 and "claim it first" in taken.stderr
    released = cli("queue", "release", lead.reference, "--as", "sam")
    assert json.loads(released.stdout)["status"] == "new"
    cli("queue", "claim", lead.reference, "--as", "sam")
    done = cli(
        "queue",
        "update",
        lead.reference,
        "--as",
        "sam",
        "--outcome",
        "contacted",
        "--note",
        "left a message",
    )
    assert json.loads(done.stdout)["status"] == "contacted"

    refused = cli("queue", "export", "--as", "sam", "--from", "2000-01-01", "--to", "2100-01-01")
    assert refused.returncode == 1 and "admins" in refused.stderr
    exported = cli("queue", "export", "--as", "ada", "--from", "2000-01-01", "--to", "2100-01-01")
    [row] = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert row["name"].startswith("'=")  # a spreadsheet shows it, does not run it

    assert cli("staff", "disable", "sam").returncode == 0
    disabled = cli("queue", "claim", "--as", "sam")
    assert disabled.returncode == 1 and "no active account" in disabled.stderr
    missing = cli("queue", "delete", "NET-NOPE99", "--as", "ada")
    assert missing.returncode == 1 and "no request NET-NOPE99" in missing.stderr
    assert cli("queue", "delete", lead.reference, "--as", "ada").returncode == 0
    assert json.loads(cli("queue", "list", "--format", "json").stdout) == []
