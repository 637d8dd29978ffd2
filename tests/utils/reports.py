"""A retrain run's report as `content retrain` writes it (bot/evaluation/report.py), for the
pages that show reports: a refused run whose misread example is `example`."""

from pathlib import Path

from bot.evaluation import report
from bot.evaluation.gate import Rule, judge
from bot.evaluation.nlu import Prediction


def write_report(reports_dir: Path, run_id: str, example: str) -> Path:
    checks = judge([Rule("intent_accuracy", 0.9, 0.01)], {"intent_accuracy": 0.5}, None)
    run = {
        "run_id": run_id,
        "started": "2026-12-01 12:00:00 UTC",
        "seconds": 60,
        "verdict": "refused",
        "passed": False,
        "candidate": f"models/candidates/{run_id}.tar.gz",
        "live": None,
        "training": {"mode": "full", "why": "there is no live model to start from", "seconds": 9},
        "reasons": [c.reason for c in checks if c.reason],
        "checks": [c.as_dict() for c in checks],
        "heldout": {"file": "held-out", "candidate": {"examples": 2}, "live": None},
        "cross_validation": {"folds": 0, "candidate": None},
        "conversations": None,
    }
    held = report.HeldOut(
        candidate=[
            Prediction("faq/prrt", "faq", 0.9, 0.0, "faq/prrt", 0.9, False, example),
            Prediction("greet", "greet", 0.9, 0.0, None, 0.0, False, "hello"),
        ],
        candidate_behaviour=["greet", "greet"],
    )
    report.write(reports_dir / run_id, run, held)
    return reports_dir / run_id
