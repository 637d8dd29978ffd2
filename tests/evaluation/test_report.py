"""The report of a run: every text escaped (examples come from editors), the scores per
intent and per topic, the misclassified examples, the gate table, the plot as a file."""

import json

from bot.evaluation import report
from bot.evaluation.gate import Rule, judge
from bot.evaluation.nlu import Prediction

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def prediction(truth, text):
    return Prediction(truth, "faq", 0.9, 0.05, truth, 0.9, False, text)


def run_record(checks):
    return {
        "run_id": "20261201-120000",
        "started": "2026-12-01 12:00:00 UTC",
        "seconds": 60,
        "verdict": "refused",
        "passed": False,
        "candidate": "models/candidates/20261201-120000.tar.gz",
        "live": "models/net-assistant.tar.gz",
        "training": {"mode": "full", "why": "a <b>reason</b>", "seconds": 20},
        "reasons": [c.reason for c in checks if c.reason],
        "checks": [c.as_dict() for c in checks],
        "heldout": {
            "file": "tests/nlu/test_nlu_heldout.yml",
            "candidate": {"examples": 3, "intent_accuracy": 1.0, "faq_topic_accuracy": 0.6667},
            "live": {"examples": 3, "intent_accuracy": 1.0, "faq_topic_accuracy": 1.0},
        },
        "cross_validation": {"folds": 0, "candidate": None},
        "conversations": {
            "sets": ["i"],
            "candidate": {"emergencies": 1, "near_misses": 1, "names": 1, "missed": [HOSTILE]},
            "live": None,
        },
    }


def test_the_report_escapes_every_text_and_holds_what_was_measured(tmp_path):
    held = report.HeldOut(
        candidate=[
            prediction("faq/prrt", "what is prrt"),
            prediction("faq/surgery", HOSTILE),
            prediction("greet", "hello"),
        ],
        candidate_behaviour=["faq/prrt", "faq/prrt", "greet"],
        live_behaviour=["faq/prrt", "faq/surgery", "greet"],
    )
    checks = judge(
        [Rule("faq_topic_accuracy", 0.8, 0.02)],
        {"faq_topic_accuracy": 0.6667},
        {"faq_topic_accuracy": 1.0},
    )

    page = report.write(tmp_path, run_record(checks), held).read_text()

    assert "<script" not in page and "<img src=x" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "FAQ topic accuracy 0.667 is below the threshold 0.800 (live model: 1.000)" in page
    assert "-0.333" in page  # the change against the live model
    assert '<img src="confusion.png"' in page and "<style" not in page and "data:" not in page
    assert (tmp_path / "confusion.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "report.css").exists()
    assert json.loads((tmp_path / "gate.json").read_text())["verdict"] == "refused"


def test_the_scores_per_intent_and_topic_are_precision_recall_and_f1():
    held = report.HeldOut(
        candidate=[
            prediction("faq/prrt", "a"),
            prediction("faq/surgery", "b"),
            prediction("faq/surgery", "c"),
            prediction("greet", "d"),
        ],
        candidate_behaviour=["faq/prrt", "faq/prrt", "faq/surgery", "out_of_scope"],
        live_behaviour=["faq/prrt", "faq/surgery", "faq/surgery", "greet"],
    )
    tables = report.tables(held)
    topics = {row["label"]: row for row in tables["topics"]}
    assert topics["faq/prrt"] == {
        "label": "faq/prrt",
        "precision": 0.5,
        "recall": 1.0,
        "f1": 0.667,
        "support": 1,
        "live_f1": 1.0,
        "change": -0.333,
    }
    assert topics["faq/surgery"]["recall"] == 0.5 and topics["faq/surgery"]["precision"] == 1.0
    intents = {row["label"]: row for row in tables["intents"]}
    assert intents["faq"]["recall"] == 1.0 and intents["greet"]["recall"] == 0.0
    assert report.misclassified(held) == [
        {"text": "b", "expected": "faq/surgery", "candidate": "faq/prrt", "live": "faq/surgery"},
        {"text": "d", "expected": "greet", "candidate": "out_of_scope", "live": "greet"},
    ]
