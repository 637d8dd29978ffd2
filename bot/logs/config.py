"""The process's log format and levels, set once when a process starts (`python -m bot`).

Production lines are JSON objects (FIELDS) for a log collector; locally the same fields are
written as readable text. structlog formats both: Rasa already depends on it, so our lines
and Rasa's own structured events come from one library, and nothing is formatted by hand.
Records of every library go through the same handler; a record carries only what its code
put in the message (no `extra` fields are copied), so what reaches the logs is what was said.
"""

import logging
import sys
from typing import Any, Dict, List

import structlog

from bot.logs.request_ids import SANIC_LOGGERS, current
from bot.settings import Settings

# What every production line holds (tests/logs/test_config.py).
FIELDS = ("time", "level", "logger", "message", "request_id", "service")


def formatter(service: str, as_json: bool) -> logging.Formatter:
    def context(_logger: Any, _method: str, event: Dict[str, Any]) -> Dict[str, Any]:
        event["request_id"] = current()
        event["service"] = service
        return event

    shared: List[Any] = [
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.EventRenamer("message"),
        context,
    ]
    render: List[Any] = (
        [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
        if as_json
        else [
            structlog.dev.ConsoleRenderer(colors=False, event_key="message", timestamp_key="time")
        ]
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *render],
    )


def configure(service: str, settings: Settings) -> None:
    """One handler on stderr for the whole process (stdout stays for command output such as
    a CSV export). Sanic's loggers get the level Rasa and the SDK give them."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(service, as_json=settings.environment == "production"))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(settings.log_level)
    for name in SANIC_LOGGERS:
        logging.getLogger(name).setLevel(settings.log_level_libraries)
    logging.captureWarnings(True)  # warnings as log lines, in the same format
