"""How a model's raw output becomes what the visitor sees, and the scores of it
(bot/evaluation/nlu.py, shared by `make bench` and `content retrain`)."""

from bot.evaluation.nlu import Prediction, behaviour, metrics


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


def test_metrics_count_false_emergencies_against_precision():
    preds = [
        prediction(truth="emergency", intent="emergency"),
        prediction(truth="greet", intent="greet", forced_emergency=True),
        prediction(truth="greet", intent="greet"),
    ]
    scores = metrics(preds, 0.6, 0.1, 0.2)
    assert scores["emergency_recall"] == 1.0
    assert scores["emergency_precision"] == 0.5
