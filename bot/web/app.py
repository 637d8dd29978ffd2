"""FastAPI application of the web service: the public page, health, the staff dashboard and
its JSON API, on one port.

FastAPI (pinned to the last pydantic-1 release line, because Rasa pins pydantic 1.10) gives
typed routes and an OpenAPI document (/api/openapi.json) for the staff API without extra
code. Its Swagger page is off: it loads scripts from a CDN, and nothing here may call third
parties. bot/web/csrf.py (a double-submit token bound to the staff session) guards every
change.
"""

import asyncio
import logging
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.db.engine import make_engine, session_factory
from bot.leads.conversations import ChatServer, ConversationsUnreachable
from bot.leads.errors import Conflict, Forbidden, LeadError, NotFound, Throttled
from bot.leads.outbox import Outbox, drain_forever
from bot.logs import request_ids
from bot.models.registry import PublishRefused, registry
from bot.settings import ROOT, Settings, get_settings
from bot.web.csrf import CSRFMiddleware
from bot.web.deps import COOKIE, SignInRequired, sign_in_redirect
from bot.web.routes import (
    analytics,
    api,
    content,
    conversations,
    health,
    model_server,
    models,
    reports,
    review,
    site,
    staff,
    unanswered,
)

SECURITY_HEADERS = {
    # No scripts at all on these pages; styles and images only from this origin.
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",  # staff pages with health information stay out of caches
}
# Probed every few seconds by the proxy and the orchestrator: lines that would drown the rest.
UNLOGGED_PATHS = frozenset({"/healthz"})
access_log = logging.getLogger("bot.web.access")


def lead_error_status(error: LeadError) -> int:
    """The HTTP status of a refused lead operation, for the API and the pages alike."""
    for kind, status in ((NotFound, 404), (Conflict, 409), (Forbidden, 403), (Throttled, 429)):
        if isinstance(error, kind):
            return status
    return 422


def create_app(settings: Settings) -> Any:
    app = FastAPI(
        title="NET intake assistant",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    engine = make_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    # Where the conversations behind leads are deleted (bot/leads/retention.py).
    app.state.conversations = ChatServer(settings)
    # The content files the admin pages check and add examples to (tests: a copy).
    app.state.project = ROOT
    routers = (api, staff, review, content, unanswered, conversations, analytics, models, reports)
    for routes in (*routers, model_server, site, health):
        app.include_router(routes.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    @app.exception_handler(SignInRequired)
    async def to_sign_in(_request: Request, error: SignInRequired) -> Response:
        return sign_in_redirect(error)

    @app.exception_handler(LeadError)
    async def refused(request: Request, error: LeadError) -> Response:
        return await http_error(
            request, StarletteHTTPException(lead_error_status(error), str(error))
        )

    @app.exception_handler(ConversationsUnreachable)
    async def not_deleted(request: Request, _error: ConversationsUnreachable) -> Response:
        why = (
            "The conversation behind this request could not be deleted right now, so the "
            "request was kept. Try again in a minute."
        )
        return await http_error(request, StarletteHTTPException(503, why))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/staff/"):
            return staff.error_page(request, error.status_code, str(error.detail))
        return await http_exception_handler(request, error)

    # Added before the security headers, so that its refusals carry them too. The sign-in
    # form is checked even before the browser holds any cookie (login CSRF).
    app.add_middleware(
        CSRFMiddleware,
        secret=settings.signing_secret(),
        session_cookie=COOKIE,
        always_secure=settings.cookie_secure,
        protect_without_cookies={"/staff/login"},
    )

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    # Added last, so outermost: every answer, refusals and errors included, carries the id.
    @app.middleware("http")
    async def request_id_and_access_log(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """uvicorn's access log is off: it writes the client's address and the query string
        (where a search could carry a name). This line has the path and the status only."""
        request_id = request_ids.bind(request.headers.get(request_ids.HEADER))
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
        finally:
            if request.url.path not in UNLOGGED_PATHS:
                access_log.info(
                    "%s %s %d %.0f ms",
                    request.method,
                    request.url.path,
                    status,
                    (time.perf_counter() - started) * 1000,
                )
        response.headers[request_ids.HEADER] = request_id
        return response

    @app.on_event("startup")
    async def start_outbox_drain() -> None:
        """Callback requests parked while the database was down reach it when it is back."""
        app.state.drain = asyncio.create_task(
            drain_forever(
                Outbox(settings.outbox_path), app.state.sessions, settings.outbox_drain_interval_s
            )
        )

    @app.on_event("shutdown")
    async def stop_outbox_drain() -> None:
        app.state.drain.cancel()
        app.state.engine.dispose()

    return app


def proxy_options(settings: Settings) -> Dict[str, Any]:
    """uvicorn's proxy-header options. Left to itself uvicorn believes X-Forwarded-For from
    any local address, so anyone reaching the port through a local hop could pick the client
    address the sign-in backoff counts by; here only the proxies in FORWARDED_ALLOW_IPS are
    believed."""
    return {
        "proxy_headers": bool(settings.forwarded_allow_ips),
        "forwarded_allow_ips": settings.forwarded_allow_ips,
    }


def publish_trained_model() -> None:
    """The model `make train` wrote goes live at start if it was never published: a fresh
    clone runs its newest model, a restart does not undo a rollback (bot/models/registry.py).
    A refusal or an unreachable database is logged; the staff pages still start."""
    with registry() as models:
        try:
            published = models.adopt(get_settings().trained_model_path)
        except PublishRefused as refused:
            logging.getLogger(__name__).error("the trained model was not published: %s", refused)
            return
        except (SQLAlchemyError, OSError) as error:
            logging.getLogger(__name__).error(
                "the trained model was not published (%s)", type(error).__name__
            )
            return
    if published is not None:
        logging.getLogger(__name__).info(
            "published the trained model as #%d (sha256 %s)", published.id, published.sha256[:12]
        )


def serve() -> None:
    import uvicorn

    settings = get_settings()
    publish_trained_model()
    # No websocket routes here (the chat talks to Rasa), and Rasa pins a websockets release
    # that current uvicorn cannot use. Logging is the process's (bot/logs): uvicorn leaves it
    # alone, and the access log is the app's own (create_app).
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.web_port,
        ws="none",
        log_config=None,
        log_level=None,
        access_log=False,
        **proxy_options(settings),
    )
