"""GET /healthz: is the web service up, and can it reach the Rasa and action servers?"""

import asyncio
import urllib.request

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(include_in_schema=False)


def url_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return 200 <= response.status < 300
    except OSError:
        return False


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    """Liveness of this service and of the Rasa and action servers behind it."""
    settings = request.app.state.settings
    rasa, actions = await asyncio.gather(
        asyncio.to_thread(url_ok, f"{settings.rasa_url}/"),
        asyncio.to_thread(url_ok, f"{settings.action_server_url}/health"),
    )
    return JSONResponse(
        {"web": True, "rasa": rasa, "actions": actions},
        status_code=200 if rasa and actions else 503,
    )
