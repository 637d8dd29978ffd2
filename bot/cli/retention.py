"""`python -m bot retention`: delete conversations, closed requests and unanswered messages
older than the settings allow (scheduled daily in production: docker-compose.yml)."""

import argparse
import sys
from typing import Any

from bot.cli.database import open_sessions
from bot.leads.conversations import ChatServer, ConversationsUnreachable
from bot.leads.retention import apply_retention
from bot.settings import get_settings
from bot.unanswered.store import delete_older_than


def add_commands(commands: Any) -> None:
    parser = commands.add_parser(
        "retention",
        help="delete conversations idle longer than CONVERSATION_RETENTION_DAYS, requests "
        "closed longer ago than CLOSED_LEAD_RETENTION_DAYS and unanswered messages older than "
        "UNANSWERED_RETENTION_DAYS",
    )
    parser.set_defaults(func=_run)


def _run(_: argparse.Namespace) -> int:
    settings = get_settings()
    # First, so a chat server that is down does not keep them.
    with open_sessions() as sessions:
        misses = delete_older_than(sessions, settings.unanswered_retention_days)
    print(f"deleted {misses} unanswered messages")
    try:
        with open_sessions() as sessions:
            report = apply_retention(
                sessions,
                ChatServer(settings),
                settings.conversation_retention_days,
                settings.closed_lead_retention_days,
            )
    except ConversationsUnreachable as error:
        print(f"retention stopped: {error}", file=sys.stderr)
        return 1
    print(
        f"deleted {report.conversations_deleted} conversations and "
        f"{report.leads_deleted} closed requests"
    )
    return 0
