"""`python -m bot content check`: the content team's check before retraining.

Errors come last, just above the summary, because that is where a reader looks after a long
run; answers awaiting clinical review are counted per file with their lines (`--all` lists
each) so that ninety drafts do not bury the one broken file.
"""

import argparse
import json
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Any, Dict, List

from bot.cli import publishing, retrain, unanswered


def add_commands(commands: Any) -> None:
    content = commands.add_parser("content", help="content team tools")
    content_commands = content.add_subparsers(dest="content_command", required=True)
    check = content_commands.add_parser(
        "check",
        help="check answers, examples and Rasa's validation before training (docs/content.md)",
    )
    check.add_argument(
        "--no-rasa",
        action="store_true",
        help="skip Rasa's data validation (about 20 s): the fast check while editing",
    )
    check.add_argument(
        "--all", action="store_true", help="list each answer awaiting clinical review"
    )
    check.add_argument(
        "--format", choices=("text", "json"), default="text", help="json: the findings as data"
    )
    check.add_argument(
        "--project", type=Path, default=None, help="the project's folder (default: this one)"
    )
    check.set_defaults(func=_check)
    unanswered.add_commands(content_commands)
    publishing.add_commands(content_commands)
    retrain.add_commands(content_commands)


def _check(args: argparse.Namespace) -> int:
    from bot.content import check, has_errors
    from bot.content.findings import summary
    from bot.settings import ROOT

    findings = check(args.project or ROOT, rasa=not args.no_rasa)
    if args.format == "json":
        print(json.dumps([asdict(f) for f in findings], indent=2))
        return 1 if has_errors(findings) else 0
    for line in report_lines(findings, every_review=args.all):
        print(line)
    print(summary(findings, rasa_skipped=args.no_rasa))
    return 1 if has_errors(findings) else 0


def report_lines(findings: List[Any], every_review: bool = False) -> List[str]:
    warnings = [f for f in findings if f.severity != "error"]
    errors = [f for f in findings if f.severity == "error"]
    lines: List[str] = []
    waiting: Dict[str, List[int]] = defaultdict(list)
    for finding in warnings:
        if finding.kind == "awaiting-review" and not every_review:
            waiting[finding.file].append(finding.line)
        else:
            lines.append(str(finding))
    for file, numbers in waiting.items():
        lines.append(
            f"{file}: warning: {len(numbers)} answer(s) await clinical review "
            f"(never approved on the staff app's review page), at lines "
            f"{', '.join(map(str, numbers))} (--all lists them)"
        )
    lines += [str(f) for f in errors]
    return lines
