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
