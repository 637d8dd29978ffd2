"""Databases and roles for the production stores: one database for the conversations and one
for the leads, each open only to its own role, so the Rasa process (which gets the first)
holds no way into the leads. Run by `python -m bot db provision` (the compose `migrate`
service) and by `make run-prod-local`, with an administrator's connection.
"""

import re
from dataclasses import dataclass
from typing import Optional, Sequence

from sqlalchemy import create_engine, text

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


@dataclass(frozen=True)
class Database:
    name: str
    role: str
    password: Optional[str] = None  # none where the server trusts local connections

    def __post_init__(self) -> None:
        # Names go into statements that cannot take parameters.
        for value in (self.name, self.role):
            if not _NAME.match(value):
                raise ValueError(f"{value!r} is not a plain lower-case SQL name")


# The production pair (docker-compose.yml, deploy/endpoints.production.yml, run-prod-local).
LEADS = Database("net_leads", "net_app")
TRACKER = Database("net_tracker", "net_tracker")


def provision(admin_url: str, databases: Sequence[Database]) -> None:
    """Create what is missing and (re)set each role's password; idempotent."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            for db in databases:
                exists = text("SELECT 1 FROM pg_roles WHERE rolname = :r")
                if not connection.execute(exists, {"r": db.role}).first():
                    connection.execute(text(f'CREATE ROLE "{db.role}" LOGIN'))
                if db.password:
                    # psycopg2 binds the password as a quoted literal, which DDL accepts.
                    connection.execute(
                        text(f'ALTER ROLE "{db.role}" PASSWORD :p'), {"p": db.password}
                    )
                exists = text("SELECT 1 FROM pg_database WHERE datname = :d")
                if not connection.execute(exists, {"d": db.name}).first():
                    connection.execute(text(f'CREATE DATABASE "{db.name}" OWNER "{db.role}"'))
                connection.execute(text(f'REVOKE CONNECT ON DATABASE "{db.name}" FROM PUBLIC'))
                connection.execute(text(f'GRANT CONNECT ON DATABASE "{db.name}" TO "{db.role}"'))
    finally:
        admin.dispose()


def drop(admin_url: str, databases: Sequence[Database]) -> None:
    """Remove databases and roles (a test's private ones)."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            for db in databases:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)'))
            for db in databases:
                connection.execute(text(f'DROP ROLE IF EXISTS "{db.role}"'))
    finally:
        admin.dispose()
