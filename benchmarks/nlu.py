"""NLU accuracy for `make bench`: 5-fold cross-validation on the training data and the
held-out test file, and the threshold sweep.

The scoring itself is bot/evaluation/nlu.py, shared with `content retrain`'s gate.
Thresholds are swept on the cross-validation predictions only, never on the held-out file.
"""

from dataclasses import asdict, replace
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from bot.content import training_files
from bot.evaluation.nlu import (
    AMBIGUITY,
    HELDOUT,
    Prediction,
    cross_validate,
    fallback_threshold,
    faq_threshold,
    heldout_examples,
    load_training_data,
    metrics,
    predict,
    takeover_confidence,
    train_and_predict,
)
from bot.settings import ROOT

__all__ = ["HELDOUT", "evaluate", "evaluate_trained", "recommended", "rescore", "sweep"]


def sweep(preds: Sequence[Prediction]) -> List[Dict]:
    """Candidate thresholds scored on cross-validation predictions."""
    rows = []
    for fallback in (0.3, 0.4, 0.5, 0.6, 0.7):
        for faq in (0.0, 0.2, 0.3, 0.4, 0.5, 0.7):
            m = metrics(preds, fallback, AMBIGUITY, faq)
            rows.append(
                {
                    "fallback": fallback,
                    "faq_threshold": faq,
                    **{
                        k: m[k]
                        for k in (
                            "intent_accuracy",
                            "faq_topic_accuracy",
                            "out_of_scope_recall",
                            "out_of_scope_precision",
                        )
                    },
                }
            )
    return rows


# Product rule for choosing thresholds on cross-validation: the visitor should get an honest
# "I can't answer that" for at least this share of out-of-scope messages; among the settings
# that achieve it, the one with the best intent accuracy wins. The FAQ gate stays on (at least
# MIN_FAQ_THRESHOLD): an answer to a topic the selector is that unsure of would be a guess.
MIN_CV_OUT_OF_SCOPE_RECALL = 0.8
MIN_FAQ_THRESHOLD = 0.2


def recommended(rows: Sequence[Dict]) -> Optional[Dict]:
    ok = [
        r
        for r in rows
        if (r["out_of_scope_recall"] or 0) >= MIN_CV_OUT_OF_SCOPE_RECALL
        and r["faq_threshold"] >= MIN_FAQ_THRESHOLD
    ]
    return max(ok, key=lambda r: r["intent_accuracy"] or 0) if ok else None


def _header(config: Path) -> Dict:
    return {
        "config": str(config.relative_to(ROOT)),
        "fallback_threshold": fallback_threshold(config),
        "faq_threshold": faq_threshold(config),
        "train_examples": len(load_training_data(training_files()).intent_examples),
        "heldout_examples": len(heldout_examples()),
    }


def evaluate(config: Path, workdir: Path) -> Dict:
    """Held-out score of a model trained on all data, and 5-fold cross-validation."""
    data = load_training_data(training_files())
    result = _header(config)
    fallback, faq = result["fallback_threshold"], result["faq_threshold"]
    preds = train_and_predict(config, data, heldout_examples(), workdir / "full")
    result["heldout"] = metrics(preds, fallback, AMBIGUITY, faq)
    cv_preds = cross_validate(config, data, workdir)
    result["cross_validation"] = metrics(cv_preds, fallback, AMBIGUITY, faq)
    result["threshold_sweep"] = sweep(cv_preds)
    # Raw outputs, so a threshold change can be re-scored exactly without retraining.
    result["predictions"] = {
        "heldout": [asdict(p) for p in preds],
        "cross_validation": [asdict(p) for p in cv_preds],
    }
    return result


def rescore(result: Dict) -> Dict:
    """Recompute the scores of a stored result at the thresholds the config has now."""
    config = ROOT / result["config"]
    fallback, faq = fallback_threshold(config), faq_threshold(config)
    safety_net = "SafetyTriage" in config.read_text(encoding="utf-8")
    floor = takeover_confidence(config)
    result.update(fallback_threshold=fallback, faq_threshold=faq)
    for split, raw in result.get("predictions", {}).items():
        preds = [Prediction(**p) for p in raw]
        if safety_net:  # the override's rule on the classifier's own best guess
            preds = [
                replace(
                    p,
                    forced_emergency=p.forced_emergency
                    or (p.intent == "emergency" and p.intent_confidence >= floor),
                )
                for p in preds
            ]
        result[split] = metrics(preds, fallback, AMBIGUITY, faq)
        if split == "cross_validation":
            result["threshold_sweep"] = sweep(preds)
    return result


def evaluate_trained(model: Path, config: Path) -> Dict:
    """Held-out score of an already trained model (used for the slow baseline config)."""
    result = _header(config)
    preds = predict(model, config, heldout_examples())
    result["heldout"] = metrics(
        preds, result["fallback_threshold"], AMBIGUITY, result["faq_threshold"]
    )
    result["predictions"] = {"heldout": [asdict(p) for p in preds]}
    return result
