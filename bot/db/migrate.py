"""Apply or revert the schema migrations (Alembic), from code or `python -m bot db ...`."""

from pathlib import Path
from typing import Optional

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import OperationalError

from bot.db.engine import make_engine
from bot.settings import ROOT

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config(url: Optional[str]) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: Optional[str] = None, revision: str = "head") -> None:
    command.upgrade(_config(url), revision)


def downgrade(url: Optional[str] = None, revision: str = "base") -> None:
    command.downgrade(_config(url), revision)


def is_current(url: Optional[str] = None) -> bool:
    """Whether the database has every migration this code knows: what a new release's
    processes wait for (`python -m bot db wait`) while the migrate step runs."""
    head = ScriptDirectory.from_config(_config(url)).get_current_head()
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision() == head
    except OperationalError:  # not there yet: no server, role or database
        return False
    finally:
        engine.dispose()
