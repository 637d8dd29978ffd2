import pytest

from bot.db import migrate
from bot.db.engine import make_engine, session_factory
from tests.utils.databases import sqlite_url


@pytest.fixture
def registry_sessions(tmp_path, settings_env):
    """A migrated scratch database and published-models directory that the `content`
    commands use (DATABASE_URL, PUBLISHED_MODELS_DIR); its sessions, to read what they did."""
    url = sqlite_url(tmp_path)
    migrate.upgrade(url)
    settings_env(
        database_url=url, published_models_dir=tmp_path / "published", model_pull_interval_s=7
    )
    engine = make_engine(url)
    yield session_factory(engine)
    engine.dispose()
