"""Alembic environment: the URL comes from the caller (bot.db.migrate) or settings."""

from alembic import context

from bot.db.engine import make_engine
from bot.db.models import Base

url = context.config.get_main_option("sqlalchemy.url") or None
engine = make_engine(url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",  # ALTER TABLE on SQLite
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
