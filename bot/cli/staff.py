"""`python -m bot staff ...`: staff accounts from the server's command line."""

import argparse
import getpass
import sys
from typing import Any, Callable

from sqlalchemy.orm import sessionmaker

from bot.cli.database import open_sessions
from bot.staff.accounts import ROLES, AccountError, add_user, list_users, set_active


def add_commands(commands: Any) -> None:
    staff = commands.add_parser("staff", help="staff accounts")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_commands.add_parser("add", help="create an account (asks for the password)")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, default="staff")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin (for scripts)",
    )
    add.set_defaults(func=_add)
    for name, active in (("disable", False), ("enable", True)):
        switch = staff_commands.add_parser(name, help=f"{name} an account")
        switch.add_argument("username")
        switch.set_defaults(func=_switch, active=active)
    staff_commands.add_parser("list", help="list accounts").set_defaults(func=_list)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password (at least 12 characters, hard to guess): ")
    if getpass.getpass("Again: ") != first:
        raise AccountError("the two passwords differ")
    return first


def _refusals_as_errors(work: Callable[[sessionmaker], int]) -> int:
    """Run `work` with a database connection; a refused request is a message, not a trace."""
    try:
        with open_sessions() as sessions:
            return work(sessions)
    except AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def _add(args: argparse.Namespace) -> int:
    def work(sessions: sessionmaker) -> int:
        staff = add_user(sessions, args.username, _password(args), args.role)
        print(f"account '{staff.username}' ({staff.role}) created")
        return 0

    return _refusals_as_errors(work)


def _switch(args: argparse.Namespace) -> int:
    def work(sessions: sessionmaker) -> int:
        set_active(sessions, args.username, args.active)
        print(f"account '{args.username}' {'enabled' if args.active else 'disabled'}")
        return 0

    return _refusals_as_errors(work)


def _list(_: argparse.Namespace) -> int:
    with open_sessions() as sessions:
        for user in list_users(sessions):
            print(f"{user.username:<24} {user.role:<8} {'active' if user.active else 'disabled'}")
    return 0
