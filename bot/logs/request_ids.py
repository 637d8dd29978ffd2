"""Request ids: the proxy's (HAProxy sets X-Request-ID when the client did not), or a new one
where no proxy runs (`make run`), kept for the request in a context variable so that every log
line it causes carries it, returned in the response and passed on to the chat server.

A client's value is taken only when it looks like an id: it ends up in every log line of the
request, so it must not be able to carry text of any length or shape into the logs.
"""

import logging
import re
import uuid
from contextvars import ContextVar
from typing import Any, Dict, Optional

HEADER = "X-Request-ID"
# The same pattern decides in HAProxy (bot/production_local.py, deploy/haproxy.cfg).
PATTERN = r"[A-Za-z0-9._-]{1,64}"
_VALID = re.compile(PATTERN)
_current: ContextVar[Optional[str]] = ContextVar("request_id", default=None)
# Sanic's own loggers: its errors, with their tracebacks.
SANIC_LOGGERS = ("sanic.root", "sanic.error", "sanic.access")


def bind(given: Optional[str]) -> str:
    """Make `given` (or a new id, when it is missing or no id) the current request's id."""
    request_id = given if given and _VALID.fullmatch(given) else uuid.uuid4().hex
    _current.set(request_id)
    return request_id


def current() -> Optional[str]:
    return _current.get()


def outgoing() -> Dict[str, str]:
    """The header for a call this request makes to another of our services; a call made
    outside any request (the retention job) gets an id of its own."""
    return {HEADER: current() or uuid.uuid4().hex}


def observe_sanic(app: Any) -> None:
    """Request ids on a Sanic app (the Rasa server, the action server), and Sanic's own loggers
    back in the process's format: Rasa turns their propagation off just before it serves, and
    without handlers of their own Python would print them bare on stderr. So the Rasa server
    calls this as it starts serving (bot/chat/channels.py); calling it again changes nothing."""
    app.register_middleware(_bind_sanic, "request")
    app.register_middleware(_echo_sanic, "response")
    for name in SANIC_LOGGERS:
        logging.getLogger(name).propagate = True


async def _bind_sanic(request: Any) -> None:
    request.ctx.request_id = bind(request.headers.get(HEADER))


async def _echo_sanic(request: Any, response: Any) -> None:
    # A request refused before the middleware ran (a body over the size limit) has none yet.
    response.headers[HEADER] = getattr(request.ctx, "request_id", None) or bind(None)
