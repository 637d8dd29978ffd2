"""The schema migrations on SQLite and the real PostgreSQL: up, down, and equal to the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bot.db import migrate
from bot.db.engine import make_engine
from bot.db.models import Base

TABLES = {"leads", "staff_users", "staff_sessions", "login_failures", "audit_log"}


def test_migrations_go_up_and_down(database_url):
    engine = make_engine(database_url)
    migrate.upgrade(database_url)
    assert set(inspect(engine).get_table_names()) >= TABLES
    migrate.downgrade(database_url)
    assert not TABLES & set(inspect(engine).get_table_names())
    migrate.upgrade(database_url)
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()


def test_the_migrated_schema_is_what_the_models_say(database_url):
    """A model changed without a migration (or the reverse) shows up here, column by column."""
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []
