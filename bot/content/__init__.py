"""The FAQ content and `python -m bot content check`, the content team's check before training.

The content team are not engineers: they edit YAML and retrain. Everything here exists so that
what they get wrong is said where it is (file and line) and in words they can act on, before a
model is trained on it. One module per concern: `catalog` reads the files with their lines,
`answers`, `links`, `review`, `duplicates` and `yaml_errors` each judge one thing,
`rasa_validate` runs Rasa's own validation without its noise, `check` puts them together, and
`findings` is the report as data (for the command line and, later, an admin page).
"""

from bot.content.catalog import (
    Example,
    faq_answers,
    iter_examples,
    load_yaml,
    topics,
    training_files,
)
from bot.content.check import MIN_EXAMPLES, check, has_errors
from bot.content.findings import ERROR, WARNING, Finding

__all__ = [
    "topics",
    "ERROR",
    "MIN_EXAMPLES",
    "WARNING",
    "Example",
    "Finding",
    "check",
    "faq_answers",
    "has_errors",
    "iter_examples",
    "load_yaml",
    "training_files",
]
