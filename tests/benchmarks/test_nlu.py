"""The benchmark's decisions: how a prediction becomes what the visitor sees, and which
thresholds the cross-validation rule picks."""

from benchmarks.nlu import Prediction, behaviour, recommended


def prediction(**overrides):
    fields = dict(
        truth="faq/prrt",
        intent="faq",
        intent_confidence=0.9,
        second_confidence=0.05,
        faq_key="faq/prrt",
        faq_confidence=0.8,
        forced_emergency=False,
    )
    return Prediction(**{**fields, **overrides})


def test_behaviour_follows_the_thresholds():
    assert behaviour(prediction(), 0.6, 0.1, 0.2) == "faq/prrt"
    assert behaviour(prediction(intent_confidence=0.5), 0.6, 0.1, 0.2) == "out_of_scope"
    assert behaviour(prediction(second_confidence=0.85), 0.6, 0.1, 0.2) == "out_of_scope"
    assert behaviour(prediction(faq_confidence=0.1), 0.6, 0.1, 0.2) == "out_of_scope"
    assert (
        behaviour(
            prediction(intent="greet", intent_confidence=0.3, forced_emergency=True), 0.6, 0.1, 0.2
        )
        == "emergency"
    )


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


def test_metrics_count_false_emergencies_against_precision():
    from benchmarks.nlu import metrics

    preds = [
        prediction(truth="emergency", intent="emergency"),
        prediction(truth="greet", intent="greet", forced_emergency=True),
        prediction(truth="greet", intent="greet"),
    ]
    scores = metrics(preds, 0.6, 0.1, 0.2)
    assert scores["emergency_recall"] == 1.0
    assert scores["emergency_precision"] == 0.5
