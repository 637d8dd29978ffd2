"""`python -m bot content retrain`'s options: a wrong one is refused at once, in words, with
exit code 2, before anything is checked or trained."""

import pytest

from bot.cli import main


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


def test_accepted_prints_the_candidate_and_exits_0(capsys, monkeypatch, tmp_path):
    from bot.evaluation.retrain import Outcome

    candidate = tmp_path / "models" / "candidates" / "20261201-120000.tar.gz"
    seen = _outcome_of(
        monkeypatch, Outcome(True, run_dir=tmp_path / "20261201-120000", candidate=candidate)
    )
    code = main(["content", "retrain", "--folds", "0", "--sets", "h", "--no-finetune"])
    out = capsys.readouterr().out
    assert code == 0
    assert f"accepted: {candidate}" in out and "20261201-120000/report.html" in out
    assert (seen[0].folds, seen[0].sets, seen[0].finetune) == (0, ["h"], False)


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
