"""The schema migrations on SQLite and the real PostgreSQL: up, down, and equal to the models."""

from datetime import datetime, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from bot.db import migrate
from bot.db.engine import make_engine
from bot.db.models import Base

TABLES = {
    "leads",
    "staff_users",
    "staff_sessions",
    "login_failures",
    "audit_log",
    "unanswered",
    "daily_counts",
}


def test_migrations_go_up_and_down(database_url):
    engine = make_engine(database_url)
    migrate.upgrade(database_url)
    assert set(inspect(engine).get_table_names()) >= TABLES
    migrate.downgrade(database_url)
    assert not TABLES & set(inspect(engine).get_table_names())
    migrate.upgrade(database_url)
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()


def test_the_schema_is_current_only_with_every_migration(database_url):
    """What a new release's pods wait for (`python -m bot db wait`, deploy/k8s)."""
    assert not migrate.is_current(database_url)
    migrate.upgrade(database_url, "0003")
    assert not migrate.is_current(database_url)
    migrate.upgrade(database_url)
    assert migrate.is_current(database_url)


def test_a_database_not_there_yet_is_not_current():
    assert not migrate.is_current("postgresql+psycopg2://nobody@127.0.0.1:1/none")


def test_the_migrated_schema_is_what_the_models_say(database_url):
    """A model changed without a migration (or the reverse) shows up here, column by column."""
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_the_client_key_migration_keeps_the_leads_there_are(database_url):
    """0004 adds an empty client key to every existing lead, and going back removes it."""
    migrate.upgrade(database_url, "0003")
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO leads (reference, created_at, reason, name, phone,"
                " preferred_time, diagnosis_status, consent_at, notice_version,"
                " conversation_id, submission_id, status, updated_at, attempts)"
                " VALUES ('NET-OLD234', :now, 'appointment', 'Ada Test', '+16175550123',"
                " 'mornings', 'yes', :now, 'v1', 'c1', 's1', 'new', :now, 0)"
            ),
            {"now": datetime(2026, 11, 1, tzinfo=timezone.utc)},
        )
    migrate.upgrade(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT reference, client_key FROM leads")).all()
    assert [tuple(row) for row in rows] == [("NET-OLD234", None)]
    migrate.downgrade(database_url, "0003")
    assert "client_key" not in {c["name"] for c in inspect(engine).get_columns("leads")}
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM leads")).scalar_one() == 1
    engine.dispose()


def test_the_reviewer_role_comes_with_0008_and_goes_with_its_accounts(database_url):
    """0008 lets the role in; going back deletes reviewer accounts and their sessions (the
    older release would otherwise meet a role it does not know) and keeps everyone else."""
    engine = make_engine(database_url)
    insert = text(
        "INSERT INTO staff_users (username, password_hash, role, active, created_at)"
        " VALUES (:name, 'x', :role, :active, :now)"
    )
    now = {"now": datetime(2026, 12, 1, tzinfo=timezone.utc), "active": True}
    signed_in = text(
        "INSERT INTO staff_sessions (token_hash, user_id, created_at, last_seen_at)"
        " SELECT 'h-' || username, id, :now, :now FROM staff_users WHERE username = :name"
    )
    migrate.upgrade(database_url, "0007")
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert, {"name": "dr.early", "role": "reviewer", **now})
    with engine.begin() as connection:
        connection.execute(insert, {"name": "sam", "role": "staff", **now})
        connection.execute(signed_in, {"name": "sam", **now})
    migrate.upgrade(database_url, "0008")
    with engine.begin() as connection:
        connection.execute(insert, {"name": "dr.lee", "role": "reviewer", **now})
        connection.execute(signed_in, {"name": "dr.lee", **now})
        count = connection.execute(text("SELECT count(*) FROM staff_sessions")).scalar_one()
    assert count == 2  # altering the table signed nobody out
    migrate.downgrade(database_url, "0007")
    with engine.connect() as connection:
        users = connection.execute(text("SELECT username FROM staff_users")).scalars().all()
        tokens = connection.execute(text("SELECT token_hash FROM staff_sessions")).scalars().all()
    assert (users, tokens) == (["sam"], ["h-sam"])
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert, {"name": "dr.late", "role": "reviewer", **now})
    engine.dispose()
