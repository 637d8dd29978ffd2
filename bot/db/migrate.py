"""Apply or revert the schema migrations (Alembic), from code or `python -m bot db ...`."""

from pathlib import Path
from typing import Optional

from alembic import command
from alembic.config import Config

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
