"""Engines and sessions from DATABASE_URL."""

from pathlib import Path
from typing import Any, Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.settings import get_settings


def make_engine(url: Optional[str] = None) -> Engine:
    """Its errors never show the values of a statement (SQLAlchemy puts them in the message,
    and messages are logged): those values are names and phone numbers."""
    url = url or get_settings().database_url
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
        # Concurrent writers wait for the lock instead of failing at once.
        engine = create_engine(url, future=True, hide_parameters=True, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # A database that is down must fail fast: the visitor is waiting for an answer, and a
    # callback request is parked in the outbox only within the action call's time
    # (Settings.action_call_timeout_s, less its margin).
    return create_engine(
        url,
        future=True,
        hide_parameters=True,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 3},
    )


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, future=True, expire_on_commit=False)
