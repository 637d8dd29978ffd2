"""FastAPI application of the web service.

FastAPI (pinned to the last pydantic-1 release line, because Rasa pins pydantic 1.10) gives
typed routes and an OpenAPI document for the staff API without extra code.
"""
import asyncio
from typing import Dict

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from bot.settings import Settings, get_settings
from bot.storage.db import make_engine, session_factory
from bot.storage.outbox import Outbox, drain_forever
from bot.topology import url_ok


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(title="NET intake assistant", version="0.1.0")

    @app.on_event("startup")
    async def start_outbox_drain() -> None:
        """Callback requests parked while the database was down reach it when it is back."""
        engine = make_engine(settings.database_url)
        app.state.engine = engine
        app.state.drain = asyncio.create_task(
            drain_forever(Outbox(settings.outbox_path), session_factory(engine),
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

    return app


def serve() -> None:
    import uvicorn

    settings = get_settings()
    # No websocket routes here (the chat talks to Rasa), and Rasa pins a websockets release
    # that current uvicorn cannot use.
    uvicorn.run(
        create_app(settings), host=settings.host, port=settings.web_port, ws="none",
        log_level="info",
    )
