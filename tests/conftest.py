"""Fixtures every test package shares: the project's process environment, the real domain,
settings through the environment, and the databases (SQLite and the real PostgreSQL)."""

from typing import Callable, Iterator

import pytest
from sqlalchemy.orm import sessionmaker

from bot.settings import ROOT
from tests.utils.ci import require
from tests.utils.databases import PostgresDatabase, postgres_available, sqlite_url


@pytest.fixture(scope="session")
def domain() -> dict:
    """The domain as the trained model sees it: domain.yml plus responses from data/."""
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "domain.yml"), [str(ROOT / "data")]
    )
    return importer.get_domain().as_dict()


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Set settings through the environment, as a deployment does."""
    from bot.settings import get_settings

    def apply(**values: object) -> None:
        for key, value in values.items():
            monkeypatch.setenv(key.upper(), str(value))
        get_settings.cache_clear()

    yield apply
    get_settings.cache_clear()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """An empty database URL, once per backend."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    require(postgres_available(), "PostgreSQL is not reachable at 127.0.0.1:5432 (user postgres)")
    with PostgresDatabase() as url:
        yield url


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker]:
    """Sessions on a migrated database, once per backend."""
    from bot.db import migrate
    from bot.db.engine import make_engine, session_factory

    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def sqlite_sessions(tmp_path) -> Iterator[sessionmaker]:
    """Sessions on a migrated SQLite database, for tests about one backend-neutral thing."""
    from bot.db import migrate
    from bot.db.engine import make_engine, session_factory

    url = sqlite_url(tmp_path)
    migrate.upgrade(url)
    engine = make_engine(url)
    yield session_factory(engine)
    engine.dispose()
