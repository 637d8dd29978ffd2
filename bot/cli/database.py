"""The database connection of one command: opened for it, closed after it."""

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.orm import sessionmaker

from bot.db.engine import make_engine, session_factory


@contextmanager
def open_sessions() -> Iterator[sessionmaker]:
    engine = make_engine()
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()
