"""FastAPI application of the web service: health, the staff dashboard and the JSON API.

FastAPI (pinned to the last pydantic-1 release line, because Rasa pins pydantic 1.10) gives
typed routes and an OpenAPI document (/api/openapi.json) for the staff API without extra
code. Its Swagger page is off: it loads scripts from a CDN, and nothing here may call third
parties. asgi-csrf (double-submit token, signed with the secret key) guards every change.
"""
import asyncio
from pathlib import Path
from typing import Dict

from asgi_csrf import asgi_csrf
from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.settings import Settings, get_settings
from bot.storage.db import make_engine, session_factory
from bot.storage.outbox import Outbox, drain_forever
from bot.topology import url_ok
from bot.web import api, site, staff_pages
from bot.web.auth import SignInRequired, sign_in_redirect

SECURITY_HEADERS = {
    # No scripts at all on these pages; styles and images only from this origin.
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; object-src 'none'; "
                               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",  # staff pages with health information stay out of caches
}


def create_app(settings: Settings):
    app = FastAPI(title="NET intake assistant", version="0.1.0", docs_url=None,
                  redoc_url=None, openapi_url="/api/openapi.json")
    engine = make_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.include_router(api.router)
    app.include_router(staff_pages.router)
    app.include_router(site.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    @app.exception_handler(SignInRequired)
    async def to_sign_in(_request: Request, error: SignInRequired):
        return sign_in_redirect(error)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        if request.url.path.startswith("/staff/"):
            return staff_pages.error_page(request, error.status_code, str(error.detail))
        return await http_exception_handler(request, error)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.on_event("startup")
    async def start_outbox_drain() -> None:
        """Callback requests parked while the database was down reach it when it is back."""
        app.state.drain = asyncio.create_task(
            drain_forever(Outbox(settings.outbox_path), app.state.sessions,
                          settings.outbox_drain_interval_s)
        )

    @app.on_event("shutdown")
    async def stop_outbox_drain() -> None:
        app.state.drain.cancel()
        app.state.engine.dispose()

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        """Liveness of this service and of the Rasa and action servers behind it."""
        checks: Dict[str, bool] = dict(
            zip(
                ("rasa", "actions"),
                await asyncio.gather(
                    asyncio.to_thread(url_ok, f"{settings.rasa_url}/"),
                    asyncio.to_thread(url_ok, f"{settings.action_server_url}/health"),
                ),
            )
        )
        healthy = all(checks.values())
        return JSONResponse({"web": True, **checks}, status_code=200 if healthy else 503)

    # The sign-in form is checked even before the browser holds any cookie (login CSRF).
    return asgi_csrf(app, signing_secret=settings.signing_secret(),
                     always_protect={"/staff/login"}, cookie_secure=settings.cookie_secure)


def serve() -> None:
    import uvicorn

    settings = get_settings()
    # No websocket routes here (the chat talks to Rasa), and Rasa pins a websockets release
    # that current uvicorn cannot use.
    uvicorn.run(
        create_app(settings), host=settings.host, port=settings.web_port, ws="none",
        log_level="info",
    )
