"""Command line of the project: `python -m bot <command>`, one module per command group."""

import argparse
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
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code
