"""NLU accuracy of a trained model, the way the visitor meets it, and cross-validation.

Scores are behavioural, i.e. what the visitor would see: `nlu_fallback`, and a FAQ pick below
the FAQ confidence threshold, both count as "out_of_scope" (the honest "I can't answer that").
`make bench` and `content retrain` score with these same functions, so the gate judges a model
by the numbers docs/benchmarks.md reports.
"""

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from bot.content import load_yaml
from bot.nlu.parse import FALLBACK_INTENT, faq_selection
from bot.settings import ROOT

HELDOUT = ROOT / "tests" / "nlu" / "test_nlu_heldout.yml"
FOLDS = 5
SEED = 1
OUT_OF_SCOPE = "out_of_scope"
# The FallbackClassifier's ambiguity threshold, as config.yml sets it and the benchmarks score.
AMBIGUITY = 0.1

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
    text: str = ""


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

    def share(
        pairs: List[Tuple[str, str]], correct: Callable[[Tuple[str, str]], bool]
    ) -> Optional[float]:
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


def _prediction(truth: str, text: str, parsed: Dict, safety_net: bool) -> Prediction:
    ranking = [r for r in parsed.get("intent_ranking") or [] if r.get("name") != FALLBACK_INTENT]
    # With the safety net, `emergency` is always the override's synthetic entry prepended to
    # the classifier's own ranking (bot/nlu/safety_triage.py); score the latter.
    forced = safety_net and parsed.get("intent", {}).get("name") == "emergency"
    if forced:
        ranking = ranking[1:]
    first: Dict[str, Any] = ranking[0] if ranking else {"name": FALLBACK_INTENT, "confidence": 0}
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
        text=text,
    )


def load_training_data(paths: Iterable[Path]) -> Any:
    from rasa.shared.nlu.training_data.loading import load_data

    data = None
    for path in paths:
        loaded = load_data(str(path))
        data = loaded if data is None else data.merge(loaded)
    return data


def label_of(example: Any) -> str:
    label: str = example.get("intent_response_key") or example.get("intent")
    return label


def predict(model: Path, config: Path, test_examples: Sequence[Any]) -> List[Prediction]:
    """Run a trained model (NLU-only or full) over labelled examples."""
    from rasa.core.agent import Agent

    safety_net = "SafetyTriage" in config.read_text(encoding="utf-8")
    agent = Agent.load(str(model))

    async def parse_all() -> List[Prediction]:
        return [
            _prediction(
                label_of(ex),
                ex.get("text"),
                await agent.parse_message(ex.get("text")),
                safety_net,
            )
            for ex in test_examples
        ]

    return asyncio.run(parse_all())


def train_and_predict(
    config: Path, train_data: Any, test_examples: Sequence[Any], workdir: Path
) -> List[Prediction]:
    """Train an NLU-only model on `train_data`, return predictions on `test_examples`."""
    from rasa.model_training import train_nlu

    workdir.mkdir(parents=True, exist_ok=True)
    data_file = workdir / "train.yml"
    train_data.persist_nlu(str(data_file))
    model = train_nlu(str(config), str(data_file), str(workdir), fixed_model_name="nlu")
    return predict(Path(model), config, test_examples)


def cross_validate(config: Path, data: Any, workdir: Path, folds: int = FOLDS) -> List[Prediction]:
    """Stratified `folds`-fold cross-validation: each example predicted by a model that was
    trained on the other folds."""
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from sklearn.model_selection import StratifiedKFold

    examples = list(data.intent_examples)
    labels = [label_of(ex) for ex in examples]
    splits = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    predictions: List[Prediction] = []
    for number, (train_idx, test_idx) in enumerate(splits.split(examples, labels), start=1):
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
        logger.info("fold %d/%d of %s done", number, folds, config.name)
    return predictions


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


def heldout_examples(path: Path = HELDOUT) -> List[Any]:
    examples: List[Any] = load_training_data([path]).intent_examples
    return examples


def score(preds: Sequence[Prediction], config: Path) -> Dict:
    """`metrics` at the thresholds `config` sets."""
    return metrics(preds, fallback_threshold(config), AMBIGUITY, faq_threshold(config))


def behaviours(preds: Sequence[Prediction], config: Path) -> List[str]:
    """What the bot did with each message, at the thresholds `config` sets."""
    fallback, faq = fallback_threshold(config), faq_threshold(config)
    return [behaviour(p, fallback, AMBIGUITY, faq) for p in preds]
