"""The quality gate: is a candidate model good enough to replace the live one?

Each gated metric has an absolute threshold and a margin (bot/evaluation/gate.yml): the
candidate is refused when it is worse than the threshold, or worse than the live model by more
than the margin. Both conditions matter: the threshold keeps a slow slide of small losses from
ever going below what is safe; the margin stops a change that costs a lot while still above
it. The reasons are written for the content team, in words, with both numbers.
"""

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import yaml

GATE_CONFIG = Path(__file__).resolve().parent / "gate.yml"

HIGHER, LOWER = "higher", "lower"
# metric -> (its name in plain words, which direction is better)
METRICS: Dict[str, tuple] = {
    "intent_accuracy": ("intent accuracy", HIGHER),
    "faq_topic_accuracy": ("FAQ topic accuracy", HIGHER),
    "emergency_recall": ("emergency recall", HIGHER),
    "false_takeover_rate": ("false takeover rate", LOWER),
    "name_acceptance": ("name acceptance", HIGHER),
}
# Scores are shares rounded to 4 places: compare with a tolerance below that.
EPSILON = 1e-9


class GateConfigError(ValueError):
    """The gate's config cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Rule:
    metric: str
    threshold: float
    margin: float

    @property
    def label(self) -> str:
        return str(METRICS[self.metric][0])

    @property
    def better(self) -> str:
        return str(METRICS[self.metric][1])


@dataclass(frozen=True)
class Check:
    """One metric judged: the scores, the rule, and the reason it failed (None if it passed)."""

    metric: str
    label: str
    better: str
    candidate: Optional[float]
    live: Optional[float]
    threshold: float
    margin: float
    reason: Optional[str]

    @property
    def passed(self) -> bool:
        return self.reason is None

    @property
    def change(self) -> Optional[float]:
        if self.candidate is None or self.live is None:
            return None
        return round(self.candidate - self.live, 4)

    def as_dict(self) -> Dict[str, Any]:
        return {**asdict(self), "passed": self.passed, "change": self.change}


def load_rules(path: Path = GATE_CONFIG) -> List[Rule]:
    """The rules of the gate's config, checked: every key known, every number a share."""
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise GateConfigError(f"{path}: cannot be read ({error})") from None
    if not isinstance(content, dict) or not content:
        raise GateConfigError(f"{path}: expected one entry per metric ({', '.join(METRICS)})")
    rules = []
    for metric, entry in content.items():
        if metric not in METRICS:
            raise GateConfigError(f"{path}: unknown metric {metric!r}; known: {', '.join(METRICS)}")
        if not isinstance(entry, dict) or set(entry) != {"threshold", "margin"}:
            raise GateConfigError(f"{path}: {metric} needs exactly `threshold` and `margin`")
        values = []
        for key in ("threshold", "margin"):
            value = entry[key]
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not 0 <= value <= 1
            ):
                raise GateConfigError(
                    f"{path}: {metric}.{key} must be a number from 0 to 1, not {value!r}"
                )
            values.append(float(value))
        rules.append(Rule(metric, *values))
    return rules


def _fmt(value: float) -> str:
    return f"{value:.3f}"


def judge(
    rules: List[Rule],
    candidate: Mapping[str, Optional[float]],
    live: Optional[Mapping[str, Optional[float]]],
) -> List[Check]:
    """Every rule applied to the candidate's scores, against the live model's when there is
    one (`live` None: no live model, only the thresholds apply)."""
    checks = []
    for rule in rules:
        score = candidate.get(rule.metric)
        before = live.get(rule.metric) if live is not None else None
        checks.append(
            Check(
                rule.metric,
                rule.label,
                rule.better,
                score,
                before,
                rule.threshold,
                rule.margin,
                _reason(rule, score, before),
            )
        )
    return checks


def _reason(rule: Rule, score: Optional[float], live: Optional[float]) -> Optional[str]:
    if score is None:
        return f"{rule.label} was not measured, so the candidate cannot be judged on it"
    then = f" (live model: {_fmt(live)})" if live is not None else ""
    sign = 1 if rule.better == HIGHER else -1
    if sign * (score - rule.threshold) < -EPSILON:
        side = "below" if rule.better == HIGHER else "above"
        return f"{rule.label} {_fmt(score)} is {side} the threshold {_fmt(rule.threshold)}{then}"
    if live is not None and sign * (score - live) < -rule.margin - EPSILON:
        worse = "lower" if rule.better == HIGHER else "higher"
        return (
            f"{rule.label} {_fmt(score)} is {_fmt(abs(score - live))} {worse} than the live "
            f"model's {_fmt(live)}; the most allowed is {_fmt(rule.margin)}"
        )
    return None


def accepted(checks: List[Check]) -> bool:
    return all(check.passed for check in checks)
