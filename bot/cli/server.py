"""`python -m bot run` (the whole local topology, as `make run`), `python -m bot
run-prod-local` (the production topology on this machine), `python -m bot web` and
`python -m bot actions`."""

import argparse
from typing import Any


def add_commands(commands: Any) -> None:
    commands.add_parser(
        "run", help="start Rasa, the action server and the web service"
    ).set_defaults(func=_run)
    commands.add_parser(
        "run-prod-local",
        help="the production topology on this machine: two Rasa servers behind HAProxy, "
        "PostgreSQL and Redis stores",
    ).set_defaults(func=_run_prod_local)
    commands.add_parser("web", help="start only the web service").set_defaults(func=_web)
    commands.add_parser("actions", help="start only the action server").set_defaults(func=_actions)


def _run(_: argparse.Namespace) -> int:
    from bot.topology import run

    return run()


def _run_prod_local(_: argparse.Namespace) -> int:
    from bot.production_local import run

    return run()


def _web(_: argparse.Namespace) -> int:
    from bot.web.app import serve

    serve()
    return 0


def _actions(_: argparse.Namespace) -> int:
    from bot.action_server import serve

    serve()
    return 0
