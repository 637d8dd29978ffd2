"""NLU component: how likely a message is an emergency, from a model of its own.

The intent classifier sees "emergency" as one intent among thirty, through character n-grams
only, and took "is chemo the only option for my mom, shes 78 and really tired" for one. This
model is trained for the one decision that matters most: emergency (the `emergency` examples)
against everything else, including the near misses written for it (data/nlu/near_misses.yml:
risk words in questions, in the past, in someone else's history, in idioms). Word pairs carry
what character n-grams lose ("put aside", "not wake", "had a stroke"), character n-grams the
typos. bot/nlu/safety_triage.py turns the probability into a tier, at thresholds config.yml
sets.

Fitted by scikit-learn (tf-idf, logistic regression); saved as plain arrays and a vocabulary in
JSON, read without pickle, so a model file cannot run code.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.safety import normalise

PROBABILITY_KEY = "emergency_probability"
EMERGENCY_INTENT = "emergency"
ARRAYS_FILE = "safety.npz"
VOCABULARY_FILE = "safety_vocabulary.json"
# (analyzer, n-gram range, smallest document frequency); the word view first: its vocabulary
# tells which words the model knows.
VIEWS: Tuple[Tuple[str, Tuple[int, int], int], ...] = (
    ("word", (1, 2), 1),
    ("char_wb", (2, 5), 2),
)


def without_names(text: str, known: Dict[str, int]) -> str:
    """The text without the names in it. A capitalised word the model never saw is a name
    ("This is DeShawn Washington"): it says nothing about risk, but its letters can look like
    words that do. Only where it cannot be a sentence's first word, which phones capitalise
    ("Unconcious husband pls hurry"): after another word, or before another capitalised one.
    """
    words = text.split()
    if 2 <= len(words) <= 5 and all(_title_case(word) for word in words):
        return ""  # "Thomas Blood", "Faith Hill": written as a name; the rules still read it
    capital = [word[:1].isupper() for word in words]

    def unknown_name(i: int) -> bool:
        if not capital[i] or any(part in known for part in normalise(words[i]).split()):
            return False
        opens_sentence = i == 0 or words[i - 1][-1:] in ".!?"
        return not opens_sentence or (i + 1 < len(words) and capital[i + 1])

    return " ".join(word for i, word in enumerate(words) if not unknown_name(i))


def _title_case(word: str) -> bool:
    """Capital first and small letters after: a name's way, not shouting ("HES NOT BREATHING")."""
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and letters[0].isupper() and any(c.islower() for c in letters[1:])


class SafetyModelError(RuntimeError):
    """The safety model is missing, unreadable, or was never trained."""


def _vectorizer(
    analyzer: str, ngrams: Tuple[int, int], min_df: int, vocabulary: Optional[Dict[str, int]] = None
) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer=analyzer,
        ngram_range=ngrams,
        min_df=min_df,
        sublinear_tf=True,
        token_pattern=r"(?u)\b\w+\b",
        vocabulary=vocabulary,
    )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SafetyClassifier(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        # Chosen on cross-validation of the training data (docs/benchmarks.md).
        return {"C": 3.0, "random_seed": 1}

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        views: Optional[List[TfidfVectorizer]] = None,
        coef: Optional[np.ndarray] = None,
        intercept: float = 0.0,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage, self._resource = model_storage, resource
        self.views, self.coef, self.intercept = views, coef, intercept

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(TEXT) and e.get(INTENT)]
        texts = [normalise(e.get(TEXT)) for e in examples]
        labels = np.array([e.get(INTENT) == EMERGENCY_INTENT for e in examples])
        if labels.all() or not labels.any():
            raise ValueError("The safety model needs emergency and other examples.")
        views = [_vectorizer(*view) for view in VIEWS]
        features = scipy.sparse.hstack([v.fit_transform(texts) for v in views]).tocsr()
        model = LogisticRegression(
            C=self.config["C"],
            class_weight="balanced",
            max_iter=3000,
            random_state=self.config["random_seed"],
        )
        model.fit(features, labels)
        self.views, self.coef = views, model.coef_[0].copy()
        self.intercept = float(model.intercept_[0])
        self.persist()
        return self._resource

    def probabilities(self, texts: List[str]) -> np.ndarray:
        """P(emergency) for each text."""
        if self.views is None or self.coef is None:
            raise SafetyModelError("The safety model has been neither trained nor loaded.")
        known = self.views[0].vocabulary_
        plain = [normalise(without_names(t, known)) for t in texts]
        features = scipy.sparse.hstack([v.transform(plain) for v in self.views]).tocsr()
        scores = features @ self.coef + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-scores)))

    def process(self, messages: List[Message]) -> List[Message]:
        texts = [message.get(TEXT) or "" for message in messages]
        for message, probability in zip(messages, self.probabilities(texts), strict=True):
            message.set(PROBABILITY_KEY, float(probability), add_to_output=True)
        return messages

    def persist(self) -> None:
        if self.views is None or self.coef is None:
            raise SafetyModelError("Nothing to save: the safety model was not trained.")
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(
                directory / ARRAYS_FILE,
                coef=self.coef,
                intercept=np.array([self.intercept]),
                **{f"idf{i}": v.idf_ for i, v in enumerate(self.views)},
            )
            (directory / VOCABULARY_FILE).write_text(
                json.dumps(
                    [
                        {term: int(index) for term, index in v.vocabulary_.items()}
                        for v in self.views
                    ]
                ),
                encoding="utf-8",
            )

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SafetyClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                vocabularies = json.loads((directory / VOCABULARY_FILE).read_text("utf-8"))
                with np.load(directory / ARRAYS_FILE, allow_pickle=False) as arrays:
                    coef, intercept = arrays["coef"], float(arrays["intercept"][0])
                    idfs = [arrays[f"idf{i}"] for i in range(len(VIEWS))]
        except (ValueError, OSError, KeyError) as error:
            raise SafetyModelError(f"The safety model cannot be read: {error}") from error
        views = []
        for view, vocabulary, idf in zip(VIEWS, vocabularies, idfs, strict=True):
            vectorizer = _vectorizer(*view, vocabulary=vocabulary)
            vectorizer.idf_ = idf
            views.append(vectorizer)
        return cls(config, model_storage, resource, views, coef, intercept)
