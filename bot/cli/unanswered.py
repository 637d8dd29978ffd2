"""`python -m bot content unanswered`: what the assistant could not answer, grouped, most
frequent first; `... unanswered add ID faq/<topic>` makes one a training example.

Its own module (registered by one line in bot/cli/content.py) so the content commands can be
reworked without touching it. Everything shown is scrubbed again and stripped of control
characters, whatever the database holds: the list is read on staff terminals.
"""

import argparse
import json
import sys
import unicodedata
from pathlib import Path
from typing import Any, Dict, List

from bot.cli.database import open_sessions
from bot.settings import ROOT

# The project whose data/nlu the add step writes (tests point it at a copy).
PROJECT: Path = ROOT
VARIANTS_SHOWN = 3


def add_commands(content_commands: Any) -> None:
    parser = content_commands.add_parser(
        "unanswered",
        help="messages the assistant could not answer (personal data removed), alike ones "
        "grouped, most frequent first",
    )
    parser.add_argument("--days", type=_days, help="only the last N days")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(func=_list)
    commands = parser.add_subparsers(dest="unanswered_command")
    add = commands.add_parser(
        "add", help="add one (by its id in the list) as a training example of a FAQ topic"
    )
    add.add_argument("id", type=int)
    add.add_argument("topic", help="faq/<topic>, as in data/responses/faq.yml")
    add.add_argument("--text", help="the example as it should read (rewritten by you)")
    add.add_argument("--file", help="training file in data/nlu (default: faq.yml)")
    add.set_defaults(func=_add)


def _days(value: str) -> float:
    days = float(value)
    if not 0 < days <= 3650:
        raise argparse.ArgumentTypeError("give a number of days between 1 and 3650")
    return days


def printable(text: str) -> str:
    """Control and format characters as escapes (\\u001b), everything else as it is."""
    return "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c)[0] == "C" else c for c in text or ""
    )


def _list(args: argparse.Namespace) -> int:
    from bot.unanswered import groups, store
    from bot.unanswered.scrub import scrub

    with open_sessions() as sessions:
        entries = store.open_entries(sessions, args.days)
    shown: List[Dict[str, Any]] = []
    for found in groups.group(entries):
        first = found.entries[0]
        shown.append(
            {
                "count": found.count,
                "id": first.id,
                "text": printable(scrub(first.text)),
                "kinds": sorted({e.kind for e in found.entries}),
                "guess": printable(first.guess or "") or None,
                "confidence": first.confidence,
                "last_day": max(e.day for e in found.entries).isoformat(),
                "others": [
                    {"id": e.id, "text": printable(scrub(e.text))} for e in found.entries[1:]
                ],
            }
        )
    if args.format == "json":
        print(json.dumps(shown, ensure_ascii=False, indent=2))
        return 0
    if not shown:
        print("nothing unanswered" + (f" in the last {args.days:g} days" if args.days else ""))
    for group in shown:
        guess = f"  guess {group['guess']} {group['confidence'] or 0:.2f}" if group["guess"] else ""
        print(f"{group['count']:>4}x  #{group['id']}  {group['text']}")
        print(f"       {', '.join(group['kinds'])}, last {group['last_day']}{guess}")
        for other in group["others"][:VARIANTS_SHOWN]:
            print(f"       #{other['id']}  {other['text']}")
        if len(group["others"]) > VARIANTS_SHOWN:
            print(f"       ... and {len(group['others']) - VARIANTS_SHOWN} more alike")
    return 0


def _add(args: argparse.Namespace) -> int:
    from bot.unanswered.examples import ExampleRefused, add_entry

    with open_sessions() as sessions:
        try:
            path, label = add_entry(sessions, args.id, args.topic, args.text, PROJECT, args.file)
        except ExampleRefused as refused:
            print(f"error: {refused}", file=sys.stderr)
            return 1
    print(f"added #{args.id} to {path.relative_to(PROJECT)} under {label}")
    print("run `make train` to train on it")
    return 0
