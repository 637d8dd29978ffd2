"""The database layer: engines and sessions, the tables, and their Alembic migrations."""
