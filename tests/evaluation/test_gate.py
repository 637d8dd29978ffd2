"""The gate's rules: thresholds, margins against the live model, no live model, metrics not
measured, and a config that cannot be used."""

import pytest

from bot.evaluation.gate import GATE_CONFIG, GateConfigError, Rule, accepted, judge, load_rules

RULES = [
    Rule("faq_topic_accuracy", threshold=0.80, margin=0.02),
    Rule("false_takeover_rate", threshold=0.20, margin=0.02),
]
GOOD = {"faq_topic_accuracy": 0.90, "false_takeover_rate": 0.10}


def reasons(candidate, live):
    return [c.reason for c in judge(RULES, candidate, live) if c.reason]


def test_a_candidate_as_good_as_the_live_model_passes():
    checks = judge(RULES, GOOD, GOOD)
    assert accepted(checks) and [c.change for c in checks] == [0.0, 0.0]


def test_below_a_threshold_is_refused_with_both_numbers():
    assert reasons({**GOOD, "faq_topic_accuracy": 0.71}, {**GOOD, "faq_topic_accuracy": 0.88}) == [
        "FAQ topic accuracy 0.710 is below the threshold 0.800 (live model: 0.880)"
    ]


def test_a_lower_is_better_metric_is_refused_above_its_ceiling():
    assert reasons({**GOOD, "false_takeover_rate": 0.25}, None) == [
        "false takeover rate 0.250 is above the threshold 0.200"
    ]


def test_a_loss_within_the_margin_passes_and_beyond_it_is_refused():
    live = {"faq_topic_accuracy": 0.90, "false_takeover_rate": 0.10}
    assert reasons({"faq_topic_accuracy": 0.88, "false_takeover_rate": 0.12}, live) == []
    assert reasons({"faq_topic_accuracy": 0.87, "false_takeover_rate": 0.13}, live) == [
        "FAQ topic accuracy 0.870 is 0.030 lower than the live model's 0.900; the most "
        "allowed is 0.020",
        "false takeover rate 0.130 is 0.030 higher than the live model's 0.100; the most "
        "allowed is 0.020",
    ]


def test_without_a_live_model_only_the_thresholds_apply():
    checks = judge(RULES, {"faq_topic_accuracy": 0.81, "false_takeover_rate": 0.19}, None)
    assert accepted(checks) and all(c.live is None and c.change is None for c in checks)


def test_a_metric_not_measured_is_refused_rather_than_waved_through():
    assert reasons({"faq_topic_accuracy": 0.9, "false_takeover_rate": None}, GOOD) == [
        "false takeover rate was not measured, so the candidate cannot be judged on it"
    ]


def test_the_shipped_config_gates_every_metric():
    assert {r.metric for r in load_rules(GATE_CONFIG)} == {
        "intent_accuracy",
        "faq_topic_accuracy",
        "emergency_recall",
        "false_takeover_rate",
        "name_acceptance",
    }


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "expected one entry per metric"),
        ("faq_accuracy:\n  threshold: 0.8\n  margin: 0.02\n", "unknown metric 'faq_accuracy'"),
        ("intent_accuracy:\n  threshold: 0.8\n", "needs exactly `threshold` and `margin`"),
        ("intent_accuracy:\n  threshold: 80\n  margin: 0.02\n", "from 0 to 1, not 80"),
        ("intent_accuracy:\n  threshold: high\n  margin: 0.02\n", "not 'high'"),
        ("intent_accuracy: [\n", "cannot be read"),
    ],
)
def test_a_config_that_cannot_be_used_says_why(tmp_path, text, said):
    path = tmp_path / "gate.yml"
    path.write_text(text)
    with pytest.raises(GateConfigError, match=said.replace("[", r"\[")):
        load_rules(path)
