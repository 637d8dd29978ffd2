"""`python -m bot content publish|rollback|models` as the content team uses them: a clear
line for each refusal, nothing published by a bad file, every change audited by name."""

import json

from sqlalchemy import select

from bot.cli import main
from bot.db.models import AuditEntry
from bot.models.archive import sha256_of
from tests.utils.published import model_file


def run(capsys, *argv):
    code = main(["content", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def audit(sessions):
    with sessions() as session:
        rows = session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
        return [(row.actor, row.action) for row in rows]


def test_publish_rollback_and_the_list(registry_sessions, capsys, tmp_path):
    first = model_file(tmp_path / "first.tar.gz", "1")
    second = model_file(tmp_path / "second.tar.gz", "2")
    gate = tmp_path / "gate.json"
    gate.write_text(json.dumps({"passed": True, "intent_accuracy": 0.91}))
    assert run(capsys, "publish", str(first), "--as", "ada")[0] == 0
    code, out, _ = run(capsys, "publish", str(second), "--gate", str(gate), "--as", "bob")
    assert code == 0
    assert out.splitlines() == [
        f"published #2: second.tar.gz (sha256 {sha256_of(second)[:12]}, quality gate: passed)",
        "the chat servers switch to it within 7 s; conversations carry on",
    ]
    code, out, _ = run(capsys, "models")
    assert code == 0
    [newest, oldest] = out.splitlines()
    assert newest.startswith("#2 ") and "bob" in newest and newest.endswith("second.tar.gz  LIVE")
    assert "not gated" in oldest and oldest.endswith("first.tar.gz")
    code, out, _ = run(capsys, "rollback", "--as", "cy")
    assert (code, out.strip()) == (
        0,
        f"rolled back: #1 first.tar.gz (sha256 {sha256_of(first)[:12]}) is live again",
    )
    code, out, _ = run(capsys, "models", "--format", "json")
    rows = json.loads(out)
    assert [(r["id"], r["live"], bool(r["withdrawn_at"])) for r in rows] == [
        (2, False, True),
        (1, True, False),
    ]
    assert rows[0]["gate"] == {"passed": True, "intent_accuracy": 0.91}
    assert audit(registry_sessions) == [
        ("ada", "model_publish"),
        ("bob", "model_publish"),
        ("cy", "model_rollback"),
    ]


def test_bad_input_gets_one_clear_line_and_changes_nothing(registry_sessions, capsys, tmp_path):
    text = tmp_path / "answers.yml"
    text.write_text("responses: {}\n")
    gate = tmp_path / "gate.json"
    gate.write_text("{not json")
    model = model_file(tmp_path / "model.tar.gz")
    cases = [
        (("publish", str(tmp_path / "missing.tar.gz")), "error: no model file at "),
        (("publish", str(text)), "error: answers.yml is not a .tar.gz archive"),
        (("publish", str(model), "--gate", str(gate)), "error: the gate results "),
        (("publish", str(model), "--gate", str(tmp_path / "none.json")), "cannot read"),
        (("rollback",), "error: no model is live: there is nothing to roll back"),
    ]
    for argv, message in cases:
        code, out, err = run(capsys, *argv)
        assert code == 1 and out == "" and message in err, (argv, err)
        assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert run(capsys, "models")[1].strip() == "no model has been published yet"
    assert run(capsys, "publish", str(model), "--as", "eve\x1b[2J")[0] == 0
    listed = run(capsys, "models")[1]
    assert "eve\\u001b[2J" in listed and "\x1b" not in listed
    code, _, err = run(capsys, "publish", str(model))
    assert code == 1 and "already the live model (publication #1)" in err
    code, _, err = run(capsys, "rollback")
    assert code == 1 and "nothing to roll back to: publication #1" in err
    assert audit(registry_sessions) == [("eve\x1b[2J", "model_publish")]
