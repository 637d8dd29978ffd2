"""The command line: clear messages instead of tracebacks."""
import bot.run
from bot.cli import build_parser, main


def test_run_without_a_model_says_how_to_get_one(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(bot.run, "MODEL", tmp_path / "missing.tar.gz")
    assert main(["run"]) == 1
    assert "make train" in capsys.readouterr().err


def test_every_command_is_reachable():
    parser = build_parser()
    for argv in (["run"], ["web"], ["content", "check"], ["bench", "--only", "rescore"],
                 ["queue", "list"], ["queue", "drain"], ["staff", "list"],
                 ["staff", "add", "x"], ["staff", "disable", "x"], ["queue", "claim", "--as", "x"],
                 ["queue", "update", "R", "--as", "x", "--outcome", "contacted"],
                 ["queue", "export", "--as", "x", "--from", "2026-01-01", "--to", "2026-01-31"],
                 ["queue", "delete", "R", "--as", "x"], ["queue", "release", "R", "--as", "x"]):
        assert callable(parser.parse_args(argv).func)


def test_queue_list_prints_leads_as_json(tmp_path):
    import json
    import os
    import subprocess
    import sys

    from bot.storage import migrate
    from bot.storage.db import make_engine, session_factory
    from bot.storage.leads import store_lead
    from tests.conftest import ROOT
    from tests.test_storage import request_for

    url = f"sqlite:///{tmp_path / 'q.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    store_lead(session_factory(engine), request_for(reason="second_opinion"))
    engine.dispose()
    result = subprocess.run(
        [sys.executable, "-m", "bot", "queue", "list", "--format", "json"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    [lead] = json.loads(result.stdout)
    assert (lead["reason"], lead["phone"], lead["conversation_id"]) == (
        "second_opinion", "+16175550123", "c1")


def test_run_migrates_the_database_before_starting_anything(monkeypatch, tmp_path):
    import bot.storage.migrate

    calls = []
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"")

    class FakeManager:
        returncode = 0

        def add_process(self, name, *args, **kwargs):
            calls.append(name)

        def loop(self):
            calls.append("loop")

    monkeypatch.setattr(bot.run, "MODEL", model)
    monkeypatch.setattr(bot.run, "Manager", FakeManager)
    monkeypatch.setattr(bot.storage.migrate, "upgrade", lambda: calls.append("migrate"))
    assert bot.run.run() == 0
    assert calls == ["migrate", "actions", "rasa", "web", "loop"]


def test_queue_drain_writes_parked_requests_and_says_what_still_waits(tmp_path):
    import os
    import subprocess
    import sys

    from bot.storage import migrate
    from bot.storage.outbox import Outbox
    from tests.conftest import ROOT
    from tests.test_storage import request_for

    outbox = Outbox(tmp_path / "outbox.sqlite")
    outbox.park(request_for())

    def drain(url):
        env = {**os.environ, "DATABASE_URL": url, "OUTBOX_PATH": str(outbox.path)}
        return subprocess.run([sys.executable, "-m", "bot", "queue", "drain"], cwd=ROOT,
                              env=env, capture_output=True, text=True)

    # Nothing listens on port 1: still unreachable, the request keeps waiting.
    down = drain("postgresql+psycopg2://postgres@127.0.0.1:1/net")
    assert (down.returncode, down.stdout.strip()) == (1, "0 request(s) written, 1 still waiting")
    url = f"sqlite:///{tmp_path / 'q.db'}"
    migrate.upgrade(url)
    up = drain(url)
    assert (up.returncode, up.stdout.strip()) == (0, "1 request(s) written, 0 still waiting")
    assert outbox.count() == 0


def test_staff_accounts_and_queue_work_from_the_command_line(tmp_path):
    import csv
    import io
    import json
    import os
    import subprocess
    import sys

    from bot.storage import migrate
    from bot.storage.db import make_engine, session_factory
    from bot.storage.leads import store_lead
    from tests.conftest import ROOT
    from tests.test_storage import request_for

    url = f"sqlite:///{tmp_path / 'q.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    [lead] = [store_lead(session_factory(engine), request_for(name="=cmd|' /C calc'!A0"))[0]]
    engine.dispose()

    def cli(*argv, stdin=""):
        return subprocess.run([sys.executable, "-m", "bot", *argv], cwd=ROOT, input=stdin,
                              env={**os.environ, "DATABASE_URL": url}, capture_output=True,
                              text=True)

    assert cli("staff", "add", "ada", "--role", "admin", "--password-stdin",
               stdin="correct horse battery\n").returncode == 0
    assert cli("staff", "add", "sam", "--password-stdin", stdin="correct horse battery\n"
               ).returncode == 0
    short = cli("staff", "add", "tim", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "at least 12 characters" in short.stderr
    twice = cli("staff", "add", "sam", "--password-stdin", stdin="correct horse battery\n")
    assert twice.returncode == 1 and "exists already" in twice.stderr

    claimed = cli("queue", "claim", "--as", "sam")
    assert claimed.returncode == 0, claimed.stderr
    assert json.loads(claimed.stdout)["reference"] == lead.reference
    assert "the queue is empty" in cli("queue", "claim", "--as", "ada").stdout
    taken = cli("queue", "update", lead.reference, "--as", "ada", "--outcome", "contacted")
    assert taken.returncode == 1 and "claim it first" in taken.stderr
    done = cli("queue", "update", lead.reference, "--as", "sam", "--outcome", "contacted",
               "--note", "left a message")
    assert json.loads(done.stdout)["status"] == "contacted"

    refused = cli("queue", "export", "--as", "sam", "--from", "2000-01-01", "--to", "2100-01-01")
    assert refused.returncode == 1 and "admins" in refused.stderr
    exported = cli("queue", "export", "--as", "ada", "--from", "2000-01-01", "--to", "2100-01-01")
    [row] = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert row["name"].startswith("'=")  # a spreadsheet shows it, does not run it

    assert cli("staff", "disable", "sam").returncode == 0
    disabled = cli("queue", "claim", "--as", "sam")
    assert disabled.returncode == 1 and "no active account" in disabled.stderr
    assert "sam" in cli("staff", "list").stdout and "disabled" in cli("staff", "list").stdout
    assert cli("queue", "delete", lead.reference, "--as", "ada").returncode == 0
    assert json.loads(cli("queue", "list", "--format", "json").stdout) == []
