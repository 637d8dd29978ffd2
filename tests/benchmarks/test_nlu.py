"""The benchmark's decision: which thresholds the cross-validation rule picks."""

from benchmarks.nlu import recommended


def row(fallback, faq, accuracy, oos_recall):
    return {
        "fallback": fallback,
        "faq_threshold": faq,
        "intent_accuracy": accuracy,
        "faq_topic_accuracy": accuracy,
        "out_of_scope_recall": oos_recall,
        "out_of_scope_precision": 0.5,
    }


def test_the_rule_takes_the_most_accurate_setting_that_catches_out_of_scope():
    rows = [row(0.3, 0.2, 0.90, 0.70), row(0.6, 0.2, 0.85, 0.82), row(0.7, 0.3, 0.80, 0.90)]
    assert recommended(rows) == rows[1]


def test_the_rule_keeps_the_faq_gate_on_even_when_switching_it_off_scores_higher():
    rows = [row(0.6, 0.0, 0.86, 0.82), row(0.6, 0.2, 0.85, 0.83)]
    assert recommended(rows) == rows[1]


def test_the_rule_picks_nothing_when_no_setting_catches_enough_out_of_scope():
    assert recommended([row(0.3, 0.2, 0.9, 0.5)]) is None
