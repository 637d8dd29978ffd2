"""NLU accuracy: 5-fold cross-validation on the training data and the held-out test file.

Scores are behavioural, i.e. what the visitor would see: `nlu_fallback`, and a FAQ pick below
the FAQ confidence threshold, both count as "out_of_scope" (the honest "I can't answer that").
Thresholds are swept on the cross-validation predictions only, never on the held-out file.
"""

import asyncio
import logging
from collections import Counter
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from bot.content import load_yaml, training_files
from bot.nlu.parse import FALLBACK_INTENT, faq_selection
from bot.settings import ROOT

HELDOUT = ROOT / "tests" / "nlu" / "test_nlu_heldout.yml"
FOLDS = 5
SEED = 1
OUT_OF_SCOPE = "out_of_scope"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prediction:
    """Raw model output for one example, before any threshold is applied."""

    truth: str  # `greet` or `faq/prrt`
    intent: str  # top intent with the FallbackClassifier's decision undone
    intent_confidence: float
    second_confidence: float
    faq_key: Optional[str]
    faq_confidence: float
    forced_emergency: bool


def behaviour(p: Prediction, fallback: float, ambiguity: float, faq_threshold: float) -> str:
    """The label of what the bot does with this message at the given thresholds."""
    if p.forced_emergency:
        return "emergency"
    if p.intent_confidence < fallback or p.intent_confidence - p.second_confidence < ambiguity:
        return OUT_OF_SCOPE
    if p.intent == "faq":
        if not p.faq_key or p.faq_confidence < faq_threshold:
            return OUT_OF_SCOPE
        return p.faq_key
    return p.intent


def base(label: str) -> str:
    return label.split("/", 1)[0]


def metrics(preds: Sequence[Prediction], fallback: float, ambiguity: float, faq: float) -> Dict:
    labels = [(p.truth, behaviour(p, fallback, ambiguity, faq)) for p in preds]

    def share(pairs: List[Tuple[str, str]], correct) -> Optional[float]:
        return round(sum(map(correct, pairs)) / len(pairs), 4) if pairs else None

    faq_pairs = [(t, b) for t, b in labels if t.startswith("faq/")]
    errors = Counter(f"{t} -> {b}" for t, b in labels if t != b)
    return {
        "examples": len(labels),
        "intent_accuracy": share(labels, lambda tb: base(tb[0]) == base(tb[1])),
        "faq_topic_accuracy": share(faq_pairs, lambda tb: tb[0] == tb[1]),
        "emergency_recall": share(
            [x for x in labels if x[0] == "emergency"], lambda tb: tb[1] == "emergency"
        ),
        # A false alarm sends someone who is not in danger the 911/988 answer.
        "emergency_precision": share(
            [x for x in labels if x[1] == "emergency"], lambda tb: tb[0] == "emergency"
        ),
        "out_of_scope_recall": share(
            [x for x in labels if x[0] == OUT_OF_SCOPE], lambda tb: tb[1] == OUT_OF_SCOPE
        ),
        "out_of_scope_precision": share(
            [x for x in labels if x[1] == OUT_OF_SCOPE], lambda tb: tb[0] == OUT_OF_SCOPE
        ),
        "top_errors": errors.most_common(12),
    }


def _prediction(truth: str, parsed: Dict, safety_net: bool) -> Prediction:
    ranking = [r for r in parsed.get("intent_ranking") or [] if r.get("name") != FALLBACK_INTENT]
    # With the safety net, `emergency` is always the override's synthetic entry prepended to
    # the classifier's own ranking (bot/nlu/safety_triage.py); score the latter.
    forced = safety_net and parsed.get("intent", {}).get("name") == "emergency"
    if forced:
        ranking = ranking[1:]
    first = ranking[0] if ranking else {"name": FALLBACK_INTENT, "confidence": 0.0}
    second = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
    selected = faq_selection(parsed)
    return Prediction(
        truth=truth,
        intent=first["name"],
        intent_confidence=float(first["confidence"]),
        second_confidence=float(second),
        faq_key=selected.get("intent_response_key"),
        faq_confidence=float(selected.get("confidence") or 0.0),
        forced_emergency=forced,
    )


def load_training_data(paths: Iterable[Path]):
    from rasa.shared.nlu.training_data.loading import load_data

    data = None
    for path in paths:
        loaded = load_data(str(path))
        data = loaded if data is None else data.merge(loaded)
    return data


def label_of(example) -> str:
    return example.get("intent_response_key") or example.get("intent")


def predict(model: Path, config: Path, test_examples) -> List[Prediction]:
    """Run a trained model (NLU-only or full) over labelled examples."""
    from rasa.core.agent import Agent

    safety_net = "SafetyTriage" in config.read_text(encoding="utf-8")
    agent = Agent.load(str(model))

    async def parse_all() -> List[Prediction]:
        return [
            _prediction(label_of(ex), await agent.parse_message(ex.get("text")), safety_net)
            for ex in test_examples
        ]

    return asyncio.run(parse_all())


def train_and_predict(config: Path, train_data, test_examples, workdir: Path) -> List[Prediction]:
    """Train an NLU-only model on `train_data`, return predictions on `test_examples`."""
    from rasa.model_training import train_nlu

    workdir.mkdir(parents=True, exist_ok=True)
    data_file = workdir / "train.yml"
    train_data.persist_nlu(str(data_file))
    model = train_nlu(str(config), str(data_file), str(workdir), fixed_model_name="nlu")
    return predict(Path(model), config, test_examples)


def cross_validate(config: Path, data, workdir: Path) -> List[Prediction]:
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from sklearn.model_selection import StratifiedKFold

    examples = list(data.intent_examples)
    labels = [label_of(ex) for ex in examples]
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    predictions: List[Prediction] = []
    for number, (train_idx, test_idx) in enumerate(folds.split(examples, labels), start=1):
        fold_train = TrainingData(
            training_examples=[examples[i] for i in train_idx],
            lookup_tables=data.lookup_tables,
            responses=data.responses,
        )
        predictions.extend(
            train_and_predict(
                config, fold_train, [examples[i] for i in test_idx], workdir / f"fold{number}"
            )
        )
        logger.info("fold %d/%d of %s done", number, FOLDS, config.name)
    return predictions


def sweep(preds: Sequence[Prediction]) -> List[Dict]:
    """Candidate thresholds scored on cross-validation predictions."""
    rows = []
    for fallback in (0.3, 0.4, 0.5, 0.6, 0.7):
        for faq in (0.0, 0.2, 0.3, 0.4, 0.5, 0.7):
            m = metrics(preds, fallback, 0.1, faq)
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


def _setting(config: Path, component_name: str, key: str, default: float) -> float:
    """A component's setting in a config (0 when the config lacks the component)."""
    for component in load_yaml(config).get("pipeline", []):
        if component.get("name", "").endswith(component_name):
            return float(component.get(key, default))
    return 0.0


def fallback_threshold(config: Path) -> float:
    return _setting(config, "FallbackClassifier", "threshold", 0.3)


def faq_threshold(config: Path) -> float:
    """The stock config has no gate: it answers whatever topic the selector picks."""
    return _setting(config, "FaqConfidenceGate", "threshold", 0.4)


def takeover_confidence(config: Path) -> float:
    return _setting(config, "SafetyTriage", "takeover_confidence", 0.6)


def _header(config: Path) -> Dict:
    return {
        "config": str(config.relative_to(ROOT)),
        "fallback_threshold": fallback_threshold(config),
        "faq_threshold": faq_threshold(config),
        "train_examples": len(load_training_data(training_files()).intent_examples),
        "heldout_examples": len(heldout_examples()),
    }


def heldout_examples():
    return load_training_data([HELDOUT]).intent_examples


def evaluate(config: Path, workdir: Path) -> Dict:
    """Held-out score of a model trained on all data, and 5-fold cross-validation."""
    data = load_training_data(training_files())
    result = _header(config)
    fallback, faq = result["fallback_threshold"], result["faq_threshold"]
    preds = train_and_predict(config, data, heldout_examples(), workdir / "full")
    result["heldout"] = metrics(preds, fallback, 0.1, faq)
    cv_preds = cross_validate(config, data, workdir)
    result["cross_validation"] = metrics(cv_preds, fallback, 0.1, faq)
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
        result[split] = metrics(preds, fallback, 0.1, faq)
        if split == "cross_validation":
            result["threshold_sweep"] = sweep(preds)
    return result


def evaluate_trained(model: Path, config: Path) -> Dict:
    """Held-out score of an already trained model (used for the slow baseline config)."""
    result = _header(config)
    preds = predict(model, config, heldout_examples())
    result["heldout"] = metrics(preds, result["fallback_threshold"], 0.1, result["faq_threshold"])
    result["predictions"] = {"heldout": [asdict(p) for p in preds]}
    return result
