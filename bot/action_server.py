"""The action server: rasa-sdk's own app (rasa_sdk/endpoint.py) behind the checks that
`rasa run actions` does not make.

rasa-sdk 3.6 has no authentication: anyone who reaches /webhook can run any action with a
tracker of their making, and so store a lead. So every call but the health check must carry
the shared secret that Rasa sends from endpoints.yml (`action_endpoint: headers:`); the
comparison takes constant time. A body is refused before an action sees it when it is too
large (413, by Sanic before the body is read whole) or is not an action call (400): the SDK
would answer those with a 500 that echoes the whole request body, the visitor's personal
details included, and that echo is also switched off for real errors. A call that comes after
the Rasa server stopped waiting for it (a stalled server catching up) is refused unrun (408).

It also takes the Rasa server's analytics counts on /counts (bot/chat/counts.py), behind the
same secret: the Rasa server has no way into the leads database, the action server has. A
batch is checked whole and written in one transaction before the answer, so the Rasa server
knows whether to keep it (503: not written) or not; and as the server stops, the action
server's own pending counts are written (bot/analytics/batch.py).
"""

import asyncio
import hmac
import json
import logging
import time
import traceback
from typing import Any, Optional

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app as create_sdk_app
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.analytics import batch, counts
from bot.logs.request_ids import observe_sanic
from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)

ACTIONS_PACKAGE = "actions"
# The orchestrator's and the web service's liveness probe; it reveals nothing.
OPEN_PATHS = frozenset({"/health"})


def create_app(settings: Settings) -> Sanic:
    # No CORS: browsers have no business here (the SDK's own default would allow "*").
    app = create_sdk_app(ACTIONS_PACKAGE, cors_origins=None)
    app.config.REQUEST_MAX_SIZE = settings.action_server_max_body_bytes
    expected = f"Bearer {settings.action_server_secret()}".encode()
    observe_sanic(app)  # first, so that refusals carry a request id too

    @app.signal("http.lifecycle.exception")
    async def failed(request: Request, exception: BaseException) -> None:
        # Sanic answers an error raised before the handler (a body over the limit, read
        # only in part) by running the request middleware first: the error is the answer.
        request.ctx.failed = True

    @app.middleware("request")
    async def check(request: Request) -> Optional[HTTPResponse]:
        if request.path in OPEN_PATHS or getattr(request.ctx, "failed", False):
            return None
        given = request.headers.get("Authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            return response.json({"error": "unauthorized"}, status=401)
        if request.path != "/webhook":
            return None
        problem = call_problem(request)
        if problem:
            return response.json({"error": problem}, status=400)
        if too_late(request.parsed_json, settings):
            logger.warning(
                "%s refused: the Rasa server stopped waiting for it",
                request.parsed_json["next_action"],
            )
            return response.json({"error": "the call came too late"}, status=408)
        return None

    @app.post("/counts")
    async def count(request: Request) -> HTTPResponse:
        """A batch of counts (bot/analytics/batch.py `encoded`), all or nothing of it."""
        if len(request.body) > batch.MAX_BODY_BYTES:
            return response.json(
                {"error": f"a batch of counts is at most {batch.MAX_BODY_BYTES} bytes"},
                status=413,
            )
        try:
            counted = batch.decoded(request.body)
        except ValueError as problem:
            return response.json({"error": f"not a batch of counts: {problem}"}, status=400)
        try:
            await asyncio.to_thread(counts.writer(), counted)
        except batch.NotWritten as error:
            logger.warning(
                "analytics counts (%s) were not written (%s)",
                batch.metrics(counted),
                type(error.__cause__).__name__,
            )
            return response.json({"error": "the counts cannot be written now"}, status=503)
        return response.json({"counted": sum(counted.values())})

    @app.listener("after_server_stop")
    async def write_pending_counts(_app: Sanic, _loop: Any) -> None:
        # Here as well as at exit: Sanic ends its worker processes without running atexit.
        await asyncio.to_thread(counts.counter().close)

    @app.exception(Exception)
    async def error(request: Request, exception: Exception) -> HTTPResponse:
        if isinstance(exception, SanicException):  # 404, 405, 413: said as they are
            return response.json({"error": str(exception)}, status=exception.status_code)
        # Where, not what: a database error's message carries the values it tried to write.
        where = traceback.extract_tb(exception.__traceback__)[-1:]
        logger.error(
            "%s failed with %s at %s",
            (request.parsed_json or {}).get("next_action", "the action call"),
            type(exception).__name__,
            f"{where[0].filename}:{where[0].lineno}" if where else "?",
        )
        return response.json({"error": "the action failed"}, status=500)

    return app


def call_problem(request: Request) -> Optional[str]:
    """Why the body is not an action call the SDK can run, or None when it is one."""
    if request.headers.get("Content-Encoding", "identity") != "identity":
        # Rasa compresses only with COMPRESS_ACTION_SERVER_REQUEST, which is not set here,
        # and a compressed body would escape the size limit.
        return "compressed bodies are not accepted"
    try:
        call: Any = json.loads(request.body)
    except ValueError:
        return "the body is not JSON"
    if not isinstance(call, dict):
        return "the body is not a JSON object"
    if not isinstance(call.get("next_action"), str) or not call["next_action"]:
        return "next_action is missing"
    tracker = call.get("tracker")
    if not isinstance(tracker, dict) or not isinstance(tracker.get("sender_id"), str):
        return "tracker is missing"
    request.parsed_json = call  # the SDK's handler reads it from here, not parsing again
    return None


def too_late(call: Any, settings: Settings) -> bool:
    """Whether the Rasa server has stopped waiting for this call (a stalled action server
    takes it up late): it then told the visitor the turn failed, so it must not run now.

    Not the session start: Rasa runs it before it logs the message, so an expired session's
    call carries only old events, and it changes nothing outside the conversation.
    """
    if call["next_action"] == "action_session_start":
        return False
    deadline = settings.action_call_deadline(call["tracker"].get("events"))
    return deadline is not None and time.time() > deadline


def serve() -> None:
    """`python -m bot actions`: what `rasa run actions` does, with this module's app and the
    process's logging (bot/logs) instead of the SDK's coloured text."""
    settings = get_settings()
    create_app(settings).run(
        settings.host,
        settings.action_port,
        workers=utils.number_of_sanic_workers(),
    )
