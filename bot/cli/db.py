"""`python -m bot db upgrade`: bring the database schema up to date; `db provision`: create
the production databases and roles first (the compose `migrate` service); `db wait`: until
that is done (the Kubernetes pods' init step, deploy/k8s)."""

import argparse
import time
from typing import Any


def add_commands(commands: Any) -> None:
    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply all migrations").set_defaults(func=_upgrade)
    db_commands.add_parser(
        "provision",
        help="create the leads and conversation databases and roles (ADMIN_DATABASE_URL), "
        "then apply all migrations",
    ).set_defaults(func=_provision)
    wait = db_commands.add_parser(
        "wait", help="wait until the schema has every migration of this release, or time out"
    )
    wait.add_argument("--timeout", type=float, default=600.0, help="seconds (default 600)")
    wait.set_defaults(func=_wait)


def _upgrade(_: argparse.Namespace) -> int:
    from bot.db.migrate import upgrade

    upgrade()
    return 0


def _provision(_: argparse.Namespace) -> int:
    from dataclasses import replace

    from bot.db.migrate import upgrade
    from bot.db.provision import LEADS, TRACKER, provision
    from bot.settings import get_settings

    settings = get_settings()
    if not settings.admin_database_url:
        print("error: set ADMIN_DATABASE_URL (a role that may create roles and databases)")
        return 1
    provision(
        settings.admin_database_url,
        [
            replace(LEADS, password=settings.leads_db_password or None),
            replace(TRACKER, password=settings.tracker_db_password or None),
        ],
    )
    upgrade()
    return 0


def _wait(args: argparse.Namespace) -> int:
    from bot.db.migrate import is_current

    deadline = time.monotonic() + args.timeout
    while not is_current():
        if time.monotonic() >= deadline:
            print(f"error: the schema is not at this release's migration after {args.timeout:g} s")
            return 1
        time.sleep(2)
    return 0
