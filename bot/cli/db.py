"""`python -m bot db upgrade`: bring the database schema up to date."""

import argparse
from typing import Any


def add_commands(commands: Any) -> None:
    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply all migrations").set_defaults(func=_upgrade)


def _upgrade(_: argparse.Namespace) -> int:
    from bot.db.migrate import upgrade

    upgrade()
    return 0
