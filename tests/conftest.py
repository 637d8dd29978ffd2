"""Shared fixtures: the real domain (with the FAQ responses merged in, as Rasa trains it)."""
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")


@pytest.fixture(scope="session")
def domain():
    """The domain as the trained model sees it: domain.yml plus responses from data/."""
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "domain.yml"), [str(ROOT / "data")]
    )
    return importer.get_domain().as_dict()


@pytest.fixture
def settings_env(monkeypatch):
    """Set settings through the environment, as a deployment does."""
    from bot.settings import get_settings

    def apply(**values):
        for key, value in values.items():
            monkeypatch.setenv(key.upper(), str(value))
        get_settings.cache_clear()

    yield apply
    get_settings.cache_clear()


def intent_names(domain_dict):
    """Intent names of a domain dict (entries are names or {name: options})."""
    return {i if isinstance(i, str) else next(iter(i)) for i in domain_dict["intents"]}
