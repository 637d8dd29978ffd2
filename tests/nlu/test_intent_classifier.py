"""The intent classifier: scikit-learn's arithmetic, a model file that cannot run code, and the
FAQ topic picked where Rasa's ResponseSelector puts it."""

import json

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression

from bot.nlu.linear_intent_classifier import (
    LAYOUT_FILE,
    WEIGHTS_FILE,
    LinearIntentClassifier,
    ModelLoadError,
)

# Each FAQ topic is a class of its own (faq/<topic>), as in data/nlu/faq.yml.
TOPICS = {
    "faq/prrt": ["what is prrt", "is prrt radiation", "how does lutathera work"],
    "faq/diagnosis": ["how is a net diagnosed", "what tests find a net", "do i need a biopsy"],
}
EXAMPLES = {
    "faq": [text for texts in TOPICS.values() for text in texts],
    "greet": ["hi", "hello there", "good morning", "hey", "hiya"],
    "request_appointment": [
        "i need an appointment",
        "can i book a visit",
        "please schedule me",
        "i want to see a doctor",
        "book me in",
    ],
    "emergency": [
        "i cant breathe",
        "crushing chest pain",
        "he collapsed",
        "bleeding heavily",
        "i want to end my life",
    ],
}


def featurize(messages, featurizers):
    tokenizer, *vectorizers = featurizers
    tokenizer.process(messages)
    for vectorizer in vectorizers:
        vectorizer.process(messages)
    return messages


@pytest.fixture
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


@pytest.fixture
def context():
    return ExecutionContext(GraphSchema({}), "test")


@pytest.fixture
def trained(storage, context):
    """The classifier trained as Rasa trains it: tokens, word and character count features."""
    topic_of = {text: topic for topic, texts in TOPICS.items() for text in texts}
    data = TrainingData(
        [
            Message(
                data={TEXT: text, INTENT: intent}
                | ({INTENT_RESPONSE_KEY: topic_of[text]} if text in topic_of else {})
            )
            for intent, texts in EXAMPLES.items()
            for text in texts
        ]
    )
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    tokenizer.process_training_data(data)
    vectorizers = []
    for name, extra in (("words", {}), ("chars", {"analyzer": "char_wb", "max_ngram": 4})):
        vectorizer = CountVectorsFeaturizer.create(
            {**CountVectorsFeaturizer.get_default_config(), **extra},
            storage,
            Resource(name),
            ExecutionContext(GraphSchema({}), node_name=name),
        )
        vectorizer.train(data)
        vectorizer.process_training_data(data)
        vectorizers.append(vectorizer)
    resource = Resource("intent")
    classifier = LinearIntentClassifier.create({}, storage, resource, context)
    classifier.train(data)
    return classifier, data, [tokenizer, *vectorizers], resource


def ask(classifier, featurizers, text):
    [message] = featurize([Message(data={TEXT: text})], featurizers)
    classifier.process([message])
    return message


def test_probabilities_are_scikit_learns(trained):
    classifier, data, featurizers, _ = trained
    X = classifier.layout.matrix(data.intent_examples)
    tfidf = TfidfTransformer(sublinear_tf=True).fit(X)
    reference = LogisticRegression(
        C=100.0, class_weight="balanced", max_iter=3000, random_state=1
    ).fit(tfidf.transform(X), [e.get_full_intent() for e in data.intent_examples])
    texts = ["wht is prrt??", "hello", "", "CAN I BOOK", "my chest hurts so bad " * 40]
    messages = featurize([Message(data={TEXT: t}) for t in texts], featurizers)
    ours = classifier.weights.probabilities(classifier.layout.matrix(messages))
    theirs = reference.predict_proba(tfidf.transform(classifier.layout.matrix(messages)))
    assert list(classifier.weights.intents) == list(reference.classes_)
    np.testing.assert_allclose(ours, theirs, atol=1e-6)


@pytest.mark.parametrize(
    "text, intent",
    [
        ("what's prrt", "faq"),
        ("helo", "greet"),
        ("can i get an appointment", "request_appointment"),
    ],
)
def test_classifies_unseen_wording(trained, text, intent):
    classifier, _, featurizers, _ = trained
    message = ask(classifier, featurizers, text)
    assert message.get(INTENT)["name"] == intent
    ranking = message.get(INTENT_RANKING_KEY)
    assert ranking[0] == message.get(INTENT)
    confidences = [r["confidence"] for r in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) == pytest.approx(1.0)  # four intents: the whole ranking


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂", "<script>alert(1)</script>", "x" * 5000])
def test_odd_input_gets_a_ranking_without_an_error(trained, text):
    classifier, _, featurizers, _ = trained
    message = ask(classifier, featurizers, text)
    assert message.get(INTENT)["name"] in EXAMPLES
    assert 0.0 < message.get(INTENT)["confidence"] <= 1.0


def test_the_saved_model_loads_and_predicts_the_same(trained, storage, context):
    classifier, _, featurizers, resource = trained
    loaded = LinearIntentClassifier.load({}, storage, resource, context)
    for text in ("what is prrt", "hey", "book me"):
        assert ask(loaded, featurizers, text).get(INTENT_RANKING_KEY) == ask(
            classifier, featurizers, text
        ).get(INTENT_RANKING_KEY)


def test_a_model_file_holding_python_objects_is_refused(trained, storage, context):
    _, _, _, resource = trained
    with storage.write_to(resource) as directory:
        np.savez(directory / WEIGHTS_FILE, idf=np.array([object()], dtype=object))
    with pytest.raises(ModelLoadError):
        LinearIntentClassifier.load({}, storage, resource, context)


def test_a_missing_model_is_an_error_not_an_untrained_classifier(storage, context):
    with pytest.raises(ModelLoadError):
        LinearIntentClassifier.load({}, storage, Resource("never-trained"), context)


def test_features_of_another_width_ask_for_retraining(trained, storage):
    classifier, _, featurizers, resource = trained
    with storage.write_to(resource) as directory:
        blocks = json.loads((directory / LAYOUT_FILE).read_text())
    blocks[0][1] += 1
    classifier.layout = type(classifier.layout)(tuple((o, w) for o, w in blocks))
    with pytest.raises(ValueError, match="retrain"):
        ask(classifier, featurizers, "what is prrt")


def test_training_needs_features_and_intents(storage, context):
    classifier = LinearIntentClassifier.create({}, storage, Resource("x"), context)
    with pytest.raises(ValueError, match="featurizer"):
        classifier.train(
            TrainingData(
                [
                    Message(data={TEXT: t, INTENT: i})
                    for t, i in (("a", "x"), ("b", "y"), ("c", "z"))
                ]
            )
        )
    with pytest.raises(ValueError, match="three intents"):
        classifier.train(TrainingData([Message(data={TEXT: "a", INTENT: "x"})]))


@pytest.mark.parametrize(
    "text, topic", [("wht is prrt??", "faq/prrt"), ("what test finds a net", "faq/diagnosis")]
)
def test_the_faq_topic_is_picked_where_rasa_reads_it(trained, text, topic):
    """`utter_faq` (Rasa's ActionRetrieveResponse) answers from `response_selector.faq`; the
    intent is `faq` with the topics' probability summed, the pick's confidence its share."""
    classifier, _, featurizers, _ = trained
    message = ask(classifier, featurizers, text)
    row = classifier.weights.probabilities(classifier.layout.matrix([message]))[0]
    classes = zip(classifier.weights.intents, row, strict=True)
    topics = {str(k): float(p) for k, p in classes if k in TOPICS}
    assert message.get(INTENT)["name"] == "faq"
    assert message.get(INTENT)["confidence"] == pytest.approx(sum(topics.values()))
    selection = message.get("response_selector")
    assert selection["all_retrieval_intents"] == ["faq"]
    picked = selection["faq"]["response"]
    assert picked["intent_response_key"] == topic
    assert picked["utter_action"] == f"utter_{topic}"
    assert picked["confidence"] == pytest.approx(topics[topic] / sum(topics.values()))
    assert [r["intent_response_key"] for r in selection["faq"]["ranking"]][0] == topic
