"""The fixture bot (tests/evaluation/fixture_bot/: three FAQ topics, two intents, the
project's classifier) copied where a test may change it, and its model trained once per
session as the live model the candidates are judged against."""

import shutil
from pathlib import Path

import pytest

from bot.evaluation import training
from bot.evaluation.retrain import Options

FIXTURE = Path(__file__).parent / "fixture_bot"
TOPICS = ("prrt", "surgery", "locations_hours")


def project_copy(where: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, where / "project"))


def fixture_options(project: Path, out: Path, live, **overrides) -> Options:
    """A run on the fixture bot: its gate (held-out metrics only), no conversation sets, no
    cross-validation, and Rasa's own validation (20 s, tested in tests/content) left out."""
    settings = dict(
        project=project,
        live=live,
        candidates=out / "models" / "candidates",
        reports=out / "reports",
        folds=0,
        sets=[],
        gate_config=project / "gate.yml",
        rasa_validation=False,
    )
    return Options(**{**settings, **overrides})


@pytest.fixture(scope="session")
def live_model(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("live")
    project = project_copy(root)
    return training.train(project, root / "models", "live", None).model
