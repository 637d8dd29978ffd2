"""Alembic environment: the URL comes from the caller (bot.db.migrate) or settings."""

from alembic import context
from sqlalchemy import event

from bot.db.engine import make_engine
from bot.db.models import Base

url = context.config.get_main_option("sqlalchemy.url") or None
engine = make_engine(url)

if engine.dialect.name == "sqlite":
    # Batch mode alters a table by copying it and dropping the old one; with foreign keys
    # enforced, dropping a parent (staff_users) would delete its sessions (ON DELETE CASCADE)
    # or be refused for its leads. Off for the migrations' connection only (after the
    # engine's own pragmas turned it on); the copy keeps every row and key.
    event.listen(engine, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA foreign_keys=OFF"))

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
