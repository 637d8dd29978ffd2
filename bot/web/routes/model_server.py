"""GET /internal/model: the live model, for the Rasa servers' `models:` endpoint to pull.

Rasa (3.6, rasa/core/agent.py) asks every `wait_time_between_pulls` seconds with
`If-None-Match: <the ETag of the model it runs>` and the endpoint's `token:` as `?token=`;
it loads a 200's body (read into memory) and keeps its model on 304, 404 or any error
(a starting one asks with HEAD first: bot/chat/model_server.py). The
ETag is the file's sha256, checked against the file before it is sent: the servers run code
from a model, so they get exactly the bytes that were published.

Not for the internet: the proxies do not route /internal/ (deploy/haproxy.cfg,
bot/production_local.py), the Rasa servers call the web service directly, and the route
answers only the MODEL_SERVER_TOKEN (401 without it, 403 with another), compared in
constant time.
"""

import asyncio
import hmac
import logging
from typing import Optional

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, Response

from bot.models.archive import sha256_of
from bot.web.routes.models import registry_of

router = APIRouter(include_in_schema=False)
logger = logging.getLogger(__name__)
PATH = "/internal/model"


def _check_token(request: Request, token: Optional[str]) -> None:
    if not token:
        raise HTTPException(status_code=401, detail="The model route needs the model token.")
    secret = request.app.state.settings.model_server_secret()
    if not hmac.compare_digest(token.encode(), secret.encode()):
        raise HTTPException(status_code=403, detail="Wrong model token.")


def _etags(header: Optional[str]) -> set:
    """The tags of an If-None-Match header, quoted or not, weak or not."""
    return {tag.strip().removeprefix("W/").strip('"') for tag in (header or "").split(",")}


@router.api_route(PATH, methods=["GET", "HEAD"])
async def live_model(request: Request, token: Optional[str] = None) -> Response:
    _check_token(request, token)
    models = registry_of(request)
    live = await asyncio.to_thread(models.current)
    if live is None:
        detail = "No model is live: publish one (python -m bot content publish PATH)."
        raise HTTPException(status_code=404, detail=detail)
    path = models.path_of(live.sha256)
    if not path.is_file():
        logger.error("the live model's file is missing: publication #%d", live.id)
        detail = f"The file of the live model (publication #{live.id}) is missing."
        raise HTTPException(status_code=404, detail=detail)
    etag = f'"{live.sha256}"'
    if live.sha256 in _etags(request.headers.get("if-none-match")):
        return Response(status_code=304, headers={"ETag": etag})
    if await asyncio.to_thread(sha256_of, path) != live.sha256:
        logger.error("the live model's file does not match its sha256: publication #%d", live.id)
        raise HTTPException(status_code=500, detail="The live model's file was changed on disk.")
    return FileResponse(
        path,
        media_type="application/gzip",
        headers={"ETag": etag, "filename": f"{live.sha256}.tar.gz"},
    )
