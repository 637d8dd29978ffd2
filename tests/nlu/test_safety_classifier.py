"""The safety model: trained on emergencies against near misses, saved without pickle, and a
tampered or missing model is refused."""

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.safety_classifier import (
    ARRAYS_FILE,
    PROBABILITY_KEY,
    SafetyClassifier,
    SafetyModelError,
    without_names,
)

EMERGENCIES = [
    "i cant breathe",
    "my husband collapsed",
    "i want to end my life",
    "he is not breathing",
    "ive saved up my pills to end it",
    "she is having a seizure",
    "crushing chest pain right now",
    "im going to kill myself tonight",
]
OTHERS = [
    "what is prrt",
    "my dad had a heart attack years ago, can he get prrt",
    "can prrt cause chest pain",
    "is suicide risk higher after a diagnosis",
    "how much does it cost",
    "hello",
    "thanks",
    "this waiting is killing me",
    "what are the symptoms of a net",
    "i want an appointment",
]


@pytest.fixture
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def trained(storage):
    resource = Resource("safety")
    component = SafetyClassifier.create(
        SafetyClassifier.get_default_config(),
        storage,
        resource,
        ExecutionContext(GraphSchema({}), "1"),
    )
    examples = [Message(data={TEXT: t, INTENT: "emergency"}) for t in EMERGENCIES] + [
        Message(data={TEXT: t, INTENT: "faq"}) for t in OTHERS
    ]
    component.train(TrainingData(training_examples=examples))
    return component, resource


def test_emergencies_score_higher_than_near_misses(storage):
    component, _ = trained(storage)
    emergency, near_miss = component.probabilities(
        ["my wife collapsed and is not breathing", "can a net cause chest pain"]
    )
    assert emergency > 0.5 > near_miss


def test_the_saved_model_gives_the_same_numbers(storage):
    component, resource = trained(storage)
    loaded = SafetyClassifier.load(
        SafetyClassifier.get_default_config(),
        storage,
        resource,
        ExecutionContext(GraphSchema({}), "1"),
    )
    texts = ["i want to end my life", "what is prrt", "", "🙂", "<script>x</script>"]
    assert np.allclose(component.probabilities(texts), loaded.probabilities(texts))
    [message] = loaded.process([Message(data={TEXT: "he is not breathing"})])
    assert 0.0 <= message.get(PROBABILITY_KEY) <= 1.0


def test_a_tampered_model_is_refused(storage):
    component, resource = trained(storage)
    with storage.write_to(resource) as directory:
        (directory / ARRAYS_FILE).write_bytes(b"\x80\x04not an archive")
    with pytest.raises(SafetyModelError):
        SafetyClassifier.load(
            SafetyClassifier.get_default_config(),
            storage,
            resource,
            ExecutionContext(GraphSchema({}), "1"),
        )


def test_an_untrained_model_says_so(storage):
    component = SafetyClassifier.create(
        {}, storage, Resource("x"), ExecutionContext(GraphSchema({}), "1")
    )
    with pytest.raises(SafetyModelError):
        component.probabilities(["hello"])


@pytest.mark.parametrize(
    "text, left",
    [
        ("This is DeShawn Washington", "This is"),
        ("Blessing Okoro", ""),
        # Written as a name, every word capitalised, known words too; shouting is not a name.
        ("Thomas Blood", ""),
        ("HES NOT BREATHING", "HES NOT BREATHING"),
        ("im Arjun Deshpande, her son", "im her son"),
        # A known word stays, and so does a sentence's first word on its own: phones capitalise it.
        ("Help my husband", "Help my husband"),
        ("Unconcious husband pls hurry", "Unconcious husband pls hurry"),
        ("he fell. Unconcious now", "he fell. Unconcious now"),
    ],
)
def test_names_the_model_never_saw_are_left_out(text, left):
    known = {"this": 0, "is": 1, "help": 2, "my": 3, "husband": 4, "im": 5, "her": 6, "son": 7}
    known |= {"blood": 8, "hes": 9, "not": 10, "breathing": 11}
    assert without_names(text, known) == left
