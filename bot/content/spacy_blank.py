"""spaCy as this project uses it: blank pipelines and lookup tables, never a trained model.

spaCy's thinc imports TensorFlow when it is installed (Rasa's is) for models we do not use:
5 s and about 360 MB, which is most of `content check --no-rasa` and more than the action
server's container may use (deploy/k8s/actions.yaml). So spaCy is imported with TensorFlow
hidden, once per process, and only if nothing in the process imported TensorFlow already;
thinc then goes on without it.
"""

import logging
import sys
from functools import lru_cache
from types import ModuleType
from typing import Any


def import_spacy() -> ModuleType:
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    hidden = "tensorflow" not in sys.modules
    if hidden:
        sys.modules["tensorflow"] = None  # type: ignore[assignment]
    try:
        import spacy
    finally:
        if hidden:
            del sys.modules["tensorflow"]
    return spacy


@lru_cache(maxsize=1)
def english_lemmatizer() -> Any:
    """A blank English pipeline with the lookup lemmatizer of `spacy-lookups-data` (no
    pretrained pipeline can be downloaded here)."""
    logging.getLogger("spacy").setLevel(logging.WARNING)  # "Created vocabulary" is not news
    nlp = import_spacy().blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lookup tables
    return nlp
