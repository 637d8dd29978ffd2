"""`python -m bot queue ...` against a real database, as staff use it."""

import csv
import io
import json

from sqlalchemy import select

from bot.db import migrate
from bot.db.engine import make_engine, session_factory
from bot.db.models import AuditEntry
from bot.leads.outbox import Outbox
from bot.leads.store import store_lead
from bot.settings import Settings
from tests.utils.chat_server import chat_server
from tests.utils.cli import bot_command
from tests.utils.databases import sqlite_url
from tests.utils.factories import inserted_lead, request_for
from tests.utils.servers import free_port

PASSWORD = "correct horse battery\n"


def database_with(tmp_path, *requests):
    url = sqlite_url(tmp_path)
    migrate.upgrade(url)
    engine = make_engine(url)
    leads = [store_lead(session_factory(engine), request)[0] for request in requests]
    engine.dispose()
    return url, leads


def test_queue_list_prints_leads_as_json_without_contact_details(tmp_path):
    url, [stored] = database_with(tmp_path, request_for(reason="second_opinion"))
    result = bot_command("queue", "list", "--format", "json", database_url=url)
    assert result.returncode == 0, result.stderr
    [lead] = json.loads(result.stdout)
    assert (lead["reference"], lead["reason"]) == (stored.reference, "second_opinion")
    assert not {"name", "phone", "email", "conversation_id"} & set(lead)
    table = bot_command("queue", "list", database_url=url)
    assert stored.reference in table.stdout and "Ada Test" not in table.stdout


def test_queue_list_as_a_staff_member_shows_contact_details_and_audits_them(tmp_path):
    url, [stored] = database_with(tmp_path, request_for())
    add = bot_command("staff", "add", "sam", "--password-stdin", database_url=url, stdin=PASSWORD)
    assert add.returncode == 0, add.stderr
    shown = bot_command("queue", "list", "--format", "json", "--as", "sam", database_url=url)
    [lead] = json.loads(shown.stdout)
    assert (lead["name"], lead["phone"]) == ("Ada Test", "+16175550123")
    assert "conversation_id" not in lead
    assert "Ada Test" in bot_command("queue", "list", "--as", "sam", database_url=url).stdout
    nobody = bot_command("queue", "list", "--as", "nobody", database_url=url)
    assert nobody.returncode == 1 and "no active account 'nobody'" in nobody.stderr
    engine = make_engine(url)
    with session_factory(engine)() as session:
        entries = session.execute(select(AuditEntry.actor, AuditEntry.action)).all()
    engine.dispose()
    assert entries == [("sam", "viewed")] * 2


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
    chat = Settings(rasa_port=free_port(), secret_key="cli-test")
    env = {"RASA_URL": chat.rasa_url, "SECRET_KEY": "cli-test"}

    def cli(*argv, stdin=""):
        return bot_command(*argv, database_url=url, stdin=stdin, env=env)

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
    # Nothing answers where the chat server should be: the request and its conversation stay.
    kept = cli("queue", "delete", lead.reference, "--as", "ada")
    assert kept.returncode == 1 and "was kept" in kept.stderr
    with chat_server(chat) as calls:
        assert cli("queue", "delete", lead.reference, "--as", "ada").returncode == 0
    assert calls == [("DELETE", f"conversations/{lead.conversation_id}")]
    assert json.loads(cli("queue", "list", "--format", "json").stdout) == []


def test_a_reviewer_account_gets_no_contact_details_from_the_command_line(tmp_path):
    url, [stored] = database_with(tmp_path, request_for())
    add = bot_command(
        "staff",
        "add",
        "dr.lee",
        "--role",
        "reviewer",
        "--password-stdin",
        database_url=url,
        stdin=PASSWORD,
    )
    assert add.returncode == 0, add.stderr
    for argv in (("list", "--as", "dr.lee"), ("claim", "--as", "dr.lee")):
        refused = bot_command("queue", *argv, database_url=url)
        assert refused.returncode == 1 and "is a reviewer" in refused.stderr, argv
        assert "Ada Test" not in refused.stdout
