"""`python -m bot content unanswered` as the content team uses it: grouped, most frequent first,
never a personal detail or a control character on the screen; `add` writes the example and
marks the entry."""

import json
import shutil
from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.cli import main
from bot.cli import unanswered as command
from bot.db import migrate
from bot.db.engine import make_engine, session_factory
from bot.unanswered import store
from tests.utils.databases import sqlite_url


@pytest.fixture
def sessions(tmp_path, settings_env):
    url = sqlite_url(tmp_path)
    migrate.upgrade(url)
    settings_env(database_url=url)
    engine = make_engine(url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def project(tmp_path, monkeypatch):
    copy = tmp_path / "project"
    shutil.copytree(command.ROOT / "data", copy / "data")
    monkeypatch.setattr(command, "PROJECT", copy)
    return copy


def run(capsys, *argv):
    code = main(["content", "unanswered", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_list_groups_alike_messages_most_frequent_first(sessions, capsys):
    store.record(sessions, "is the whipple painful", "fallback")
    for typed in ("how much does lutathera cost", "lutathera costs?", "Lutathera cost pls"):
        store.record(sessions, typed, "unsure_topic", guess="faq/prrt", confidence=0.15)
    code, out, _ = run(capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("   3x") and "lutathera cost" in lines[0].lower()
    assert "unsure_topic" in lines[1] and "guess faq/prrt 0.15" in lines[1]
    assert any(line.startswith("   1x") and "whipple" in line for line in lines)
    code, out, _ = run(capsys, "--format", "json")
    groups = json.loads(out)
    assert [g["count"] for g in groups] == [3, 1]
    assert {"id", "text", "kinds", "guess", "confidence", "last_day", "others"} == set(
        groups[0]
    ) - {"count"}


def test_days_leaves_older_misses_out(sessions, capsys):
    store.record(sessions, "old question about nets", "fallback", day=store.today() - timedelta(9))
    store.record(sessions, "new question about prrt", "fallback")
    _, out, _ = run(capsys, "--days", "7")
    assert "new question" in out and "old question" not in out
    code, _, err = run_bad(capsys, "--days", "0")
    assert code == 2 and "between 1 and 3650" in err


def run_bad(capsys, *argv):
    with pytest.raises(SystemExit) as exit_:
        main(["content", "unanswered", *argv])
    return exit_.value.code, *capsys.readouterr()


def test_the_list_never_shows_personal_data_or_control_characters(sessions, capsys):
    """Even a row that did not come through the scrubber (an old version, a hand edit)."""
    with sessions.begin() as session:
        session.execute(
            text(
                "INSERT INTO unanswered (day, kind, text, guess) VALUES "
                "(:day, 'fallback', :typed, :guess)"
            ),
            {
                "day": store.today(),
                "typed": "my name is Maria Lopez call 617-555-0142 \x1b[2J<script>x</script>",
                "guess": "faq/prrt\x1b]0;owned\x07",
            },
        )
    code, out, _ = run(capsys)
    assert code == 0
    assert "Maria" not in out and "Lopez" not in out and "555-0142" not in out
    assert "\x1b" not in out and "\x07" not in out
    assert "[name]" in out and "[phone]" in out and "\\u001b]0;owned\\u0007" in out
    _, out, _ = run(capsys, "--format", "json")
    assert "Maria" not in out and "\x1b" not in out


def test_an_empty_list_says_so(sessions, capsys):
    assert run(capsys, "--days", "3")[1].strip() == "nothing unanswered in the last 3 days"


def test_add_writes_the_example_and_marks_the_entry(sessions, project, capsys):
    entry = store.record(sessions, "can i drive home after my lutathera infusion", "fallback")
    code, out, err = run(capsys, "add", str(entry), "faq/prrt")
    assert code == 0, err
    assert f"added #{entry} to data/nlu/faq.yml under faq/prrt" in out
    faq = (project / "data" / "nlu" / "faq.yml").read_text(encoding="utf-8")
    assert "    - can i drive home after my lutathera infusion\n" in faq
    assert store.find(sessions, entry).handled_as == "faq/prrt"
    assert run(capsys, "--format", "json")[1].strip() == "[]"
    code, _, err = run(capsys, "add", str(entry), "faq/prrt")
    assert code == 1 and "already added to faq/prrt" in err


def test_add_refuses_unknown_topics_and_ids_and_leaves_everything_as_it_was(
    sessions, project, capsys
):
    entry = store.record(sessions, "is prrt ok with a pacemaker", "fallback")
    faq = (project / "data" / "nlu" / "faq.yml").read_bytes()
    code, _, err = run(capsys, "add", str(entry), "faq/prrtt")
    assert code == 1 and "unknown topic 'faq/prrtt'" in err and "faq/prrt" in err
    code, _, err = run(capsys, "add", "999", "faq/prrt")
    assert code == 1 and "no unanswered message #999" in err
    assert (project / "data" / "nlu" / "faq.yml").read_bytes() == faq
    assert store.find(sessions, entry).handled_as is None


def test_add_with_personal_data_needs_a_rewritten_text(sessions, project, capsys):
    entry = store.record(sessions, "my name is Ana Ruiz, is prrt safe at 80", "fallback")
    code, _, err = run(capsys, "add", str(entry), "faq/prrt")
    assert code == 1 and "--text" in err
    code, _, err = run(capsys, "add", str(entry), "faq/prrt", "--text", "is prrt safe at 80")
    assert code == 0, err
    faq = (project / "data" / "nlu" / "faq.yml").read_text(encoding="utf-8")
    assert "    - is prrt safe at 80\n" in faq and "Ana" not in faq
