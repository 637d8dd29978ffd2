"""Command line of the project: `python -m bot <command>`, one module per command group."""

import argparse
import sys
from typing import List, Optional

from bot.cli import content, db, queue, retention, server, staff

GROUPS = (server, content, db, queue, staff, retention)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.add_commands(commands)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    """Run a command. Without `argv` this is a process's own command line (`python -m bot`),
    whose logging is set up first, named after the command; a test calling in keeps pytest's."""
    args = build_parser().parse_args(argv)
    if argv is None:
        refused = _configure_logging(args.command)
        if refused:
            print(f"error: {refused}", file=sys.stderr)
            return 2
    code: int = args.func(args)
    return code


def _configure_logging(service: str) -> Optional[str]:
    """Why the settings refuse to start (DEBUG in production), or None once logging is set."""
    from pydantic import ValidationError

    from bot.logs.config import configure
    from bot.settings import get_settings

    try:
        settings = get_settings()
    except ValidationError as error:
        return str(error)
    configure(service, settings)
    return None
