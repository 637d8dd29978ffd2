"""`python -m bot content publish PATH`, `content rollback` and `content models`: making a
trained model live for the running Rasa servers, bringing back the one before, and the list
(bot/models/registry.py; docs/content.md says when to use which).

Its own module (registered by one line in bot/cli/content.py). Each publication and rollback
is audited under the name given with --as, or the account running the command.
"""

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any, Dict, Optional

from bot.cli.unanswered import printable


def add_commands(content_commands: Any) -> None:
    publish = content_commands.add_parser(
        "publish", help="make a trained model (.tar.gz) live for the running chat servers"
    )
    publish.add_argument("path", type=Path, help="the model file, e.g. models/net-assistant.tar.gz")
    publish.add_argument(
        "--gate", type=Path, help="the quality gate's results (reports/<run>/gate.json)"
    )
    actor_option(publish)
    publish.set_defaults(func=_publish)
    rollback = content_commands.add_parser(
        "rollback", help="take the live model out and bring back the one published before it"
    )
    actor_option(rollback)
    rollback.set_defaults(func=_rollback)
    listing = content_commands.add_parser("models", help="published models, newest first")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    listing.set_defaults(func=_list)


def actor_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as", dest="actor", help="your name for the audit log (default: your login name)"
    )


def who(args: argparse.Namespace) -> str:
    if args.actor:
        return str(args.actor)
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container user without a name
        return "unknown"


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def _read_gate(path: Path) -> Optional[Dict[str, Any]]:
    try:
        gate = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"cannot read the gate results {path}: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError(f"the gate results {path} are not JSON") from None
    if not isinstance(gate, dict):
        raise ValueError(f"the gate results {path} are not a JSON object")
    return gate


def _publish(args: argparse.Namespace) -> int:
    try:
        gate = _read_gate(args.gate) if args.gate else None
    except ValueError as error:
        return _fail(str(error))
    return publish_model(args.path, who(args), gate)


def publish_model(path: Path, actor: str, gate: Optional[Dict[str, Any]]) -> int:
    """Publish and say so, or say why not (`content publish` and `content retrain`)."""
    from bot.models.registry import PublishRefused, registry
    from bot.settings import get_settings

    with registry() as models:
        try:
            published = models.publish(path, actor, gate)
        except PublishRefused as refused:
            return _fail(str(refused))
    print(
        f"published #{published.id}: {published.file_name} (sha256 {published.sha256[:12]}, "
        f"quality gate: {published.verdict})"
    )
    print(
        "the chat servers switch to it within "
        f"{get_settings().model_pull_interval_s} s; conversations carry on"
    )
    return 0


def _rollback(args: argparse.Namespace) -> int:
    from bot.models.registry import PublishRefused, registry

    with registry() as models:
        try:
            live = models.rollback(who(args))
        except PublishRefused as refused:
            return _fail(str(refused))
    print(f"rolled back: #{live.id} {live.file_name} (sha256 {live.sha256[:12]}) is live again")
    return 0


def _list(args: argparse.Namespace) -> int:
    from bot.models.registry import registry

    with registry() as models:
        publications = models.publications()
    if args.format == "json":
        rows = [
            {
                "id": p.id,
                "file_name": p.file_name,
                "sha256": p.sha256,
                "actor": p.actor,
                "published_at": p.published_at.isoformat(),
                "gate": p.gate,
                "verdict": p.verdict,
                "live": p.live,
                "withdrawn_at": p.withdrawn_at.isoformat() if p.withdrawn_at else None,
            }
            for p in publications
        ]
        print(json.dumps(rows, indent=2))
        return 0
    if not publications:
        print("no model has been published yet")
    for p in publications:
        status = "LIVE" if p.live else ("rolled back" if p.withdrawn_at else "")
        print(
            f"#{p.id:<4} {p.published_at:%Y-%m-%d %H:%M}  {printable(p.actor):<16} "
            f"{p.verdict:<10} {p.sha256[:12]}  {printable(p.file_name)}  {status}".rstrip()
        )
    return 0
