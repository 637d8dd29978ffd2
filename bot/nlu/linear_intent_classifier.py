"""Intent classifier: logistic regression over the pipeline's sparse sentence features.

Why not DIET: on this data a linear model over the same features scores as well in
cross-validation and better on the held-out file than the stock config, while DIET's
TensorFlow call was, with the ResponseSelector's, the largest cost of a message in the Rasa
server (docs/benchmarks.md). Why not Rasa's own LogisticRegressionClassifier: it fits raw
counts with C=1 (held-out intent accuracy 0.964 here), assembles each message's features
through several scipy hstack/vstack calls (2 to 3 ms a message), and when its saved model
holds a type skops does not trust it quietly loads an untrained classifier instead.

scikit-learn fits the model: counts weighted by tf-idf with sublinear term frequency (so a
long message full of character n-grams does not drown the words that carry the intent),
then a multinomial logistic regression. What is saved is only its numbers (idf weights,
coefficients, class names) in a NumPy archive read without pickle, so a model file cannot
run code (CVE-2024-49375 was that for Rasa models). Prediction is the same arithmetic done
directly on those arrays: scikit-learn's input checks cost six times the arithmetic on a
single message. tests/nlu/test_intent_classifier.py holds the two equal.

It also picks the FAQ topic. Each `faq/<topic>` is a class of its own, so the topics compete
with the other intents and with each other in one model: on the held-out file, with the same
thresholds, this read the topic better than Rasa's ResponseSelector (0.90 against 0.885), without
its TensorFlow model, which was the largest cost of a message and of training
(docs/benchmarks.md). The intent is `faq` with the topics' summed probability, and the pick is
written where Rasa's ResponseSelector writes it, so `utter_faq` answers it as Rasa's own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Type

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import (
    FEATURE_TYPE_SENTENCE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.nlu.training_data.util import intent_response_key_to_template_key
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

WEIGHTS_FILE = "weights.npz"
LAYOUT_FILE = "feature_layout.json"


class ModelLoadError(RuntimeError):
    """The saved intent model is missing or unreadable."""


@dataclass(frozen=True)
class FeatureLayout:
    """Which featurizer's sentence features fill which columns, fixed at training time."""

    blocks: Tuple[Tuple[str, int], ...]  # (featurizer node name, width)

    @classmethod
    def of(cls, messages: Sequence[Message]) -> FeatureLayout:
        """Every featurizer seen in the training data, in pipeline order."""
        blocks: Dict[str, int] = {}
        for message in messages:
            for feature in _sentence_features(message):
                blocks.setdefault(feature.origin, feature.features.shape[-1])
        return cls(tuple(blocks.items()))

    @property
    def width(self) -> int:
        return sum(width for _, width in self.blocks)

    @cached_property
    def _offsets(self) -> Dict[str, Tuple[int, int]]:
        """Each featurizer's first column and width, worked out once, not per message."""
        offsets, start = {}, 0
        for origin, width in self.blocks:
            offsets[origin] = (start, width)
            start += width
        return offsets

    def matrix(self, messages: Sequence[Message]) -> scipy.sparse.csr_matrix:
        """One row per message; a featurizer missing from a message leaves its columns 0.

        Built from index arrays in one step: going through scipy's hstack and vstack for
        each message costs more than the classifier itself.
        """
        offsets = self._offsets
        indptr, indices, values = [0], [], []
        for message in messages:
            count = 0
            for feature in _sentence_features(message):
                if feature.origin not in offsets:
                    continue
                offset, width = offsets[feature.origin]
                block = feature.features.tocoo()
                if block.shape[-1] != width:
                    raise ValueError(
                        f"{feature.origin} gives {block.shape[-1]} features, the model was "
                        f"trained on {width}; retrain the model."
                    )
                indices.append(block.col + offset)
                values.append(block.data)
                count += block.nnz
            indptr.append(indptr[-1] + count)
        return scipy.sparse.csr_matrix(
            (
                np.concatenate(values) if values else np.zeros(0),
                np.concatenate(indices) if indices else np.zeros(0, dtype=np.int32),
                np.array(indptr),
            ),
            shape=(len(messages), self.width),
        )


def _sentence_features(message: Message) -> List[Any]:
    return [
        f
        for f in message.features
        if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE and f.is_sparse()
    ]


def _selection(
    retrieval: str, keys: np.ndarray, probabilities: np.ndarray, length: int
) -> Dict[str, Any]:
    """The topic pick in the shape of Rasa's ResponseSelector output: confidences are the
    topics' share of the FAQ probability, as the ResponseSelector's sum to one over topics."""
    shares = probabilities / max(float(probabilities.sum()), 1e-12)
    order = np.argsort(-shares)[:length]
    ranking = [
        {INTENT_RESPONSE_KEY: str(keys[i]), PREDICTED_CONFIDENCE_KEY: float(shares[i])}
        for i in order
    ]
    best = ranking[0][INTENT_RESPONSE_KEY]
    return {
        RESPONSE_SELECTOR_RETRIEVAL_INTENTS: [retrieval],
        retrieval: {
            RESPONSE_SELECTOR_PREDICTION_KEY: {
                # The answer's text is the domain's, found through the utter action.
                RESPONSE_SELECTOR_RESPONSES_KEY: [],
                PREDICTED_CONFIDENCE_KEY: ranking[0][PREDICTED_CONFIDENCE_KEY],
                INTENT_RESPONSE_KEY: best,
                RESPONSE_SELECTOR_UTTER_ACTION_KEY: intent_response_key_to_template_key(best),
            },
            RESPONSE_SELECTOR_RANKING_KEY: ranking,
        },
    }


@dataclass(frozen=True)
class Weights:
    """A fitted tf-idf weighting and multinomial logistic regression, as plain arrays."""

    idf: np.ndarray  # (features,)
    coef: np.ndarray  # (features, intents)
    intercept: np.ndarray  # (intents,)
    intents: np.ndarray  # (intents,) names

    def probabilities(self, X: scipy.sparse.csr_matrix) -> np.ndarray:
        """What TfidfTransformer and LogisticRegression.predict_proba give, one row each."""
        X = X.astype(np.float64)  # a copy: the message's own features stay as they are
        np.log(X.data, out=X.data)
        X.data += 1.0
        X.data *= self.idf[X.indices]
        normalize(X, copy=False)
        scores = np.asarray(X @ self.coef) + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        return scores / scores.sum(axis=1, keepdims=True)

    def save(self, path: Path) -> None:
        np.savez(
            path,
            idf=self.idf,
            coef=self.coef,
            intercept=self.intercept,
            intents=self.intents.astype(str),
        )

    @classmethod
    def load(cls, path: Path) -> Weights:
        with np.load(path, allow_pickle=False) as saved:
            return cls(saved["idf"], saved["coef"], saved["intercept"], saved["intents"])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> List[Type]:
        return [Featurizer]

    @staticmethod
    def required_packages() -> List[str]:
        return ["sklearn"]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            # Weak regularisation, and classes weighted by their inverse frequency so that a
            # short "bye" is not drowned by the many FAQ examples: the best cross-validated
            # setting (docs/benchmarks.md).
            "C": 100.0,
            "class_weight": "balanced",
            "max_iter": 3000,
            "random_seed": 1,
            "ranking_length": 10,
            # Its examples are told apart by their topic (`faq/prrt`), each a class.
            "retrieval_intent": "faq",
        }

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        weights: Optional[Weights] = None,
        layout: Optional[FeatureLayout] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.weights = weights
        self.layout = layout

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if len({e.get(INTENT) for e in examples}) < 3:
            raise ValueError("The intent classifier needs examples of at least three intents.")
        self.layout = FeatureLayout.of(examples)
        if not self.layout.blocks:
            raise ValueError("No sparse sentence features: add a featurizer before the classifier.")
        # Fitting lives in this class, not in Weights: Rasa's training cache fingerprints the
        # component's class source, so a change here retrains instead of reusing a stale model.
        X = self.layout.matrix(examples)
        tfidf = TfidfTransformer(sublinear_tf=True).fit(X)
        model = LogisticRegression(
            C=self.config["C"],
            class_weight=self.config["class_weight"],
            max_iter=self.config["max_iter"],
            random_state=self.config["random_seed"],
            multi_class="multinomial",
        ).fit(tfidf.transform(X), [self._label(e) for e in examples])
        self.weights = Weights(tfidf.idf_, model.coef_.T.copy(), model.intercept_, model.classes_)
        self.persist()
        return self._resource

    def _label(self, example: Message) -> str:
        if example.get(INTENT) == self.config["retrieval_intent"]:
            return example.get_full_intent()
        return str(example.get(INTENT))

    def _fitted(self) -> Tuple[Weights, FeatureLayout]:
        if self.weights is None or self.layout is None:
            raise ModelLoadError("The intent classifier has been neither trained nor loaded.")
        return self.weights, self.layout

    def process(self, messages: List[Message]) -> List[Message]:
        weights, layout = self._fitted()
        probabilities = weights.probabilities(layout.matrix(messages))
        retrieval = self.config["retrieval_intent"]
        topics = np.char.startswith(weights.intents.astype(str), f"{retrieval}/")
        length = self.config["ranking_length"]
        for message, row in zip(messages, probabilities, strict=True):
            intents = {str(weights.intents[i]): float(row[i]) for i in np.flatnonzero(~topics)}
            if topics.any():
                intents[retrieval] = float(row[topics].sum())
                message.set(
                    RESPONSE_SELECTOR_PROPERTY_NAME,
                    _selection(retrieval, weights.intents[topics], row[topics], length),
                    add_to_output=True,
                )
            ranking = [
                {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
                for name, confidence in sorted(intents.items(), key=lambda item: -item[1])
            ][:length]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def persist(self) -> None:
        weights, layout = self._fitted()
        with self._model_storage.write_to(self._resource) as directory:
            weights.save(directory / WEIGHTS_FILE)
            (directory / LAYOUT_FILE).write_text(json.dumps(layout.blocks))

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                weights = Weights.load(directory / WEIGHTS_FILE)
                blocks = json.loads((directory / LAYOUT_FILE).read_text())
        except (ValueError, OSError, KeyError) as error:
            raise ModelLoadError(f"The intent model cannot be read: {error}") from error
        layout = FeatureLayout(tuple((origin, int(width)) for origin, width in blocks))
        return cls(config, model_storage, resource, weights, layout)
