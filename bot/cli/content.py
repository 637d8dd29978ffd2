"""`python -m bot content check`: the content team's check before retraining."""

import argparse
from typing import Any

from bot.cli import unanswered


def add_commands(commands: Any) -> None:
    content = commands.add_parser("content", help="content team tools")
    content_commands = content.add_subparsers(dest="content_command", required=True)
    content_commands.add_parser(
        "check", help="check that every FAQ topic has an answer, metadata and examples"
    ).set_defaults(func=_check)
    unanswered.add_commands(content_commands)


def _check(_: argparse.Namespace) -> int:
    from bot.content import problems

    found = problems()
    for problem in found:
        print(problem)
    print("content catalog: OK" if not found else f"content catalog: {len(found)} problem(s)")
    return 1 if found else 0
