"""`content retrain` on the fixture bot, with real training: a good change is accepted
against the live model, a degraded one refused with the reason, content errors stop it
before training, and the live model is never touched."""

import io
import json
import re
from pathlib import Path

import yaml

from bot.evaluation import gate, training
from bot.evaluation.retrain import FROM_CONVERSATIONS, FROM_HELDOUT, Progress, pooled, retrain
from tests.evaluation.conftest import fixture_options, project_copy


def _edit_faq(project: Path, change) -> None:
    path = project / "data" / "nlu" / "faq.yml"
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    blocks = {block["intent"]: block["examples"] for block in content["nlu"]}
    change(blocks)
    lines = ['version: "3.1"', "nlu:"]
    for label, examples in blocks.items():
        lines += [f"- intent: {label}", "  examples: |"]
        lines += [f"    {line}" for line in examples.strip().splitlines()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_good_change_is_accepted_and_the_live_model_is_untouched(live_model, tmp_path):
    project = project_copy(tmp_path)
    _edit_faq(project, lambda b: b.update({"faq/prrt": b["faq/prrt"] + "- is prrt a pill\n"}))
    before = live_model.stat().st_mtime_ns
    out = io.StringIO()

    outcome = retrain(fixture_options(project, tmp_path, live_model, folds=2), Progress(out))

    assert outcome.accepted, outcome.reasons
    assert outcome.candidate.parent == tmp_path / "models" / "candidates"
    assert outcome.candidate.exists() and live_model.stat().st_mtime_ns == before
    run = json.loads((outcome.run_dir / "gate.json").read_text())
    assert run["verdict"] == "accepted" and run["candidate"] == str(outcome.candidate)
    assert run["live"] == str(live_model)
    checks = {c["metric"]: c for c in run["checks"]}
    assert set(checks) == {"intent_accuracy", "faq_topic_accuracy"}
    assert all(c["live"] is not None and c["passed"] for c in checks.values())
    # The project's classifier is not trained in epochs: finetuning would not be faster.
    assert run["training"]["mode"] == "full" and "not be faster" in run["training"]["why"]
    assert run["cross_validation"]["folds"] == 2
    assert run["cross_validation"]["candidate"]["examples"] == 81
    progress = out.getvalue()
    for stage in ("content check", "training the candidate", "cross-validation (2 folds)"):
        assert re.search(rf"^\[\d\d:\d\d\] {re.escape(stage)}: done in \d+ s$", progress, re.M)
    html = (outcome.run_dir / "report.html").read_text()
    assert "accepted" in html and (outcome.run_dir / "confusion.png").stat().st_size > 1000


def test_a_degraded_change_is_refused_with_the_reason_in_words(live_model, tmp_path):
    """An editor pasted the PRRT questions under surgery and the other way round."""
    project = project_copy(tmp_path)

    def swap(blocks):
        blocks["faq/prrt"], blocks["faq/surgery"] = blocks["faq/surgery"], blocks["faq/prrt"]

    _edit_faq(project, swap)

    outcome = retrain(fixture_options(project, tmp_path, live_model), Progress(io.StringIO()))

    assert not outcome.accepted
    assert len(outcome.reasons) == 1
    assert re.fullmatch(
        r"FAQ topic accuracy 0\.\d{3} is below the threshold 0\.800 \(live model: 1\.000\)",
        outcome.reasons[0],
    ), outcome.reasons
    run = json.loads((outcome.run_dir / "gate.json").read_text())
    assert run["verdict"] == "refused" and run["reasons"] == outcome.reasons
    html = (outcome.run_dir / "report.html").read_text()
    assert outcome.reasons[0] in html
    assert "explain prrt to me" in html  # a held-out example it now gets wrong


def test_content_errors_stop_the_run_before_anything_is_trained(live_model, tmp_path):
    project = project_copy(tmp_path)
    _edit_faq(project, lambda b: b.update({"faq/prrt": "- what is prrt\n"}))

    outcome = retrain(fixture_options(project, tmp_path, live_model), Progress(io.StringIO()))

    assert not outcome.accepted and outcome.run_dir is None and outcome.candidate is None
    assert any(f.kind == "too-few-examples" for f in outcome.findings)
    assert not (tmp_path / "models").exists() and not (tmp_path / "reports").exists()


def test_without_a_live_model_only_the_thresholds_apply(tmp_path):
    project = project_copy(tmp_path)
    out = io.StringIO()
    outcome = retrain(fixture_options(project, tmp_path, tmp_path / "none.tar.gz"), Progress(out))
    assert outcome.accepted, outcome.reasons
    assert f"no live model at {tmp_path / 'none.tar.gz'}: only the thresholds apply" in (
        out.getvalue()
    )
    run = json.loads((outcome.run_dir / "gate.json").read_text())
    assert run["live"] is None and all(c["live"] is None for c in run["checks"])
    assert "no live model" in run["training"]["why"]


def test_finetuning_is_tried_only_when_it_is_faster_and_the_labels_are_the_same(
    live_model, tmp_path
):
    project = project_copy(tmp_path)
    assert "not be faster" in training.finetune_refusal(project, live_model)
    config = project / "config.yml"
    config.write_text(
        config.read_text().replace(
            "bot.nlu.linear_intent_classifier.LinearIntentClassifier", "DIETClassifier"
        )
    )
    assert training.finetune_refusal(project, live_model) is None
    # A new topic (its questions and its answer): Rasa cannot finetune a new label.
    _edit_faq(project, lambda b: b.update({"faq/parking": "- where do I park\n"}))
    answers = project / "data" / "responses" / "faq.yml"
    answers.write_text(answers.read_text() + '  utter_faq/parking:\n  - text: "Level 2."\n')
    assert "added, removed or renamed" in training.finetune_refusal(project, live_model)
    assert "no live model" in training.finetune_refusal(project, None)


def test_a_finetuning_rasa_refuses_falls_back_to_full_training(monkeypatch, tmp_path):
    calls = []

    def fake_train(project, out, name, live, fraction):
        calls.append(live)
        if live is not None:
            raise ValueError("Cannot finetune because more than just the 'epoch' keys changed")
        return out / f"{name}.tar.gz"

    monkeypatch.setattr(training, "finetune_refusal", lambda project, live: None)
    monkeypatch.setattr(training, "_train", fake_train)
    trained = training.train(tmp_path, tmp_path, "c", tmp_path / "live.tar.gz")
    assert calls == [tmp_path / "live.tar.gz", None]
    assert trained.mode == "full"
    assert trained.why.startswith("Rasa refused to finetune (Cannot finetune because")


def test_every_gated_metric_is_measured_somewhere():
    assert set(FROM_HELDOUT) | set(FROM_CONVERSATIONS) == set(gate.METRICS)


def test_conversation_scores_are_pooled_by_count_not_averaged():
    safety = [
        {"medical": 1, "self_harm": 1, "near_misses": 10, "missed": ["a"], "taken_over": []},
        {"medical": 8, "self_harm": 0, "near_misses": 10, "missed": [], "taken_over": ["b"]},
    ]
    names = [{"names": 3, "wrong": [("x", "y")]}, {"names": 1, "wrong": []}]
    scores = pooled(safety, names)
    assert scores["emergency_recall"] == 0.9  # 9 of 10, not the mean of 0.5 and 1.0
    assert scores["false_takeover_rate"] == 0.05
    assert scores["name_acceptance"] == 0.75
    assert scores["missed"] == ["a"] and scores["taken_over"] == ["b"]
