"""`python -m bot content retrain`'s options: a wrong one is refused at once, in words, with
exit code 2, before anything is checked or trained."""

import json

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.db.models import AuditEntry, ModelPublication
from bot.models.archive import sha256_of
from tests.utils.published import model_file


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--folds", "1"], "1 folds: use 2 to 20, or 0 to skip cross-validation"),
        (["--folds", "three"], "'three' is not a whole number"),
        (["--folds", "-2"], "use 2 to 20"),
        (["--epoch-fraction", "0"], "0.0 is not more than 0 and at most 1"),
        (["--epoch-fraction", "1.5"], "1.5 is not more than 0 and at most 1"),
        (["--epoch-fraction", "half"], "'half' is not a number"),
        (["--sets", "../a"], "give set names separated by commas"),
        (["--sets", ","], "give set names separated by commas"),
        (["--what"], "unrecognized arguments: --what"),
    ],
)
def test_a_wrong_option_is_refused_in_words(capsys, argv, said):
    with pytest.raises(SystemExit) as stopped:
        main(["content", "retrain", *argv])
    assert stopped.value.code == 2
    assert said in capsys.readouterr().err


def test_an_unknown_conversation_set_is_named_before_anything_runs(capsys, tmp_path):
    code = main(["content", "retrain", "--sets", "zz", "--live", str(tmp_path / "none")])
    out = capsys.readouterr().out
    assert code == 2
    assert out.startswith("error: no conversation set zz in ") and "(there are: a, b," in out
    assert "content check" not in out


def test_a_gate_config_that_cannot_be_used_stops_the_run(capsys, tmp_path):
    broken = tmp_path / "gate.yml"
    broken.write_text("intent_accuracy:\n  threshold: 95\n  margin: 0.01\n")
    code = main(["content", "retrain", "--gate-config", str(broken), "--sets", "none"])
    out = capsys.readouterr().out
    assert code == 2
    assert "intent_accuracy.threshold must be a number from 0 to 1, not 95" in out


def _outcome_of(monkeypatch, outcome):
    """The command's own part (options in, words and exit code out), around a given outcome:
    the run itself is tested with real training in tests/evaluation/test_retrain.py."""
    from bot.evaluation import retrain

    seen = []
    monkeypatch.setattr(retrain, "retrain", lambda options: seen.append(options) or outcome)
    return seen


def accepted_run(tmp_path, marker="candidate"):
    """What an accepted run leaves: the candidate model and the run's gate.json."""
    from bot.evaluation.retrain import Outcome

    candidate = model_file(tmp_path / "models" / "candidates" / "20261201-120000.tar.gz", marker)
    run_dir = tmp_path / "reports" / "20261201-120000"
    run_dir.mkdir(parents=True)
    (run_dir / "gate.json").write_text(json.dumps({"passed": True, "candidate": str(candidate)}))
    return Outcome(True, run_dir=run_dir, candidate=candidate)


def test_accepted_is_published_for_the_running_servers(
    capsys, monkeypatch, tmp_path, registry_sessions
):
    outcome = accepted_run(tmp_path)
    seen = _outcome_of(monkeypatch, outcome)
    argv = ["content", "retrain", "--folds", "0", "--sets", "h", "--no-finetune", "--as", "ada"]
    code = main(argv)
    out = capsys.readouterr().out
    assert code == 0
    assert f"accepted: {outcome.candidate}" in out and "20261201-120000/report.html" in out
    assert "published #1: 20261201-120000.tar.gz" in out and "quality gate: passed" in out
    assert (seen[0].folds, seen[0].sets, seen[0].finetune) == (0, ["h"], False)
    with registry_sessions() as session:
        [row] = session.execute(select(ModelPublication)).scalars()
        [entry] = session.execute(select(AuditEntry)).scalars()
    assert row.live and row.sha256 == sha256_of(outcome.candidate)
    assert (entry.actor, entry.action) == ("ada", "model_publish")


def test_no_publish_only_judges_and_says_how_to_publish(
    capsys, monkeypatch, tmp_path, registry_sessions
):
    outcome = accepted_run(tmp_path)
    _outcome_of(monkeypatch, outcome)
    assert main(["content", "retrain", "--no-publish"]) == 0
    out = capsys.readouterr().out
    gate = outcome.run_dir / "gate.json"
    assert f"to publish: python -m bot content publish {outcome.candidate} --gate {gate}" in out
    with registry_sessions() as session:
        assert session.execute(select(ModelPublication)).first() is None


def test_the_live_model_is_the_published_one(capsys, monkeypatch, tmp_path, registry_sessions):
    live = model_file(tmp_path / "live.tar.gz", "live")
    assert main(["content", "publish", str(live), "--as", "ada"]) == 0
    seen = _outcome_of(monkeypatch, accepted_run(tmp_path))
    main(["content", "retrain", "--no-publish"])
    capsys.readouterr()
    assert sha256_of(seen[0].live) == sha256_of(live)


def test_refused_lists_the_reasons_and_exits_1(capsys, monkeypatch, tmp_path):
    from bot.evaluation.retrain import Outcome

    reason = "FAQ topic accuracy 0.710 is below the threshold 0.850 (live model: 0.905)"
    _outcome_of(monkeypatch, Outcome(False, run_dir=tmp_path, reasons=[reason]))
    code = main(["content", "retrain"])
    out = capsys.readouterr().out
    assert code == 1 and f"refused:\n  - {reason}" in out and "accepted" not in out


def test_content_errors_are_listed_and_nothing_is_said_accepted(capsys, monkeypatch):
    from bot.content.findings import ERROR, Finding
    from bot.evaluation.retrain import Outcome

    finding = Finding(ERROR, "data/nlu/faq.yml", 12, "the topic faq/prrt has 3 example question(s)")
    _outcome_of(monkeypatch, Outcome(False, findings=[finding]))
    code = main(["content", "retrain"])
    out = capsys.readouterr().out
    assert code == 1
    assert "data/nlu/faq.yml:12: error: the topic faq/prrt has 3 example question(s)" in out
    assert out.rstrip().endswith("retrain stopped: fix the errors above, then run it again")


def test_rasas_clean_run_warnings_stay_off_the_progress(caplog):
    """The content check already said what matters; Rasa's warnings about the training data
    (the same on every run) would bury the progress lines. Ours still show."""
    import logging
    import warnings

    from bot.cli.retrain import _quiet_rasa

    logging.captureWarnings(True)
    try:
        _quiet_rasa()
        with caplog.at_level(logging.WARNING), warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.warn("Slot auto-fill has been removed in 3.0", UserWarning, stacklevel=1)
            logging.getLogger("bot").warning("one of ours")
    finally:
        logging.captureWarnings(False)
        logging.getLogger("py.warnings").setLevel(logging.NOTSET)
        logging.getLogger("rasa").setLevel(logging.NOTSET)
    assert [record.getMessage() for record in caplog.records] == ["one of ours"]
