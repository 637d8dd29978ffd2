"""The public side of the web service: the demo NET page at / and the chat widget's files.

The page allows scripts only from this origin and network calls only to the chat server, so
nothing third-party can load and nothing can leave for anywhere else.
"""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from bot.web.templating import templates

router = APIRouter(include_in_schema=False)
WIDGET = Path(__file__).resolve().parent.parent / "widget"
WIDGET_FILES = {"net-chat.js": "text/javascript", "net-chat.css": "text/css"}


def page_policy(chat_url: str) -> str:
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' {chat_url}; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


@router.get("/", response_class=HTMLResponse)
def demo_page(request: Request) -> Response:
    settings = request.app.state.settings
    response = templates.TemplateResponse(
        "site.html",
        {
            "request": request,
            "center": settings.center_name,
            "phone": settings.center_phone,
            "hours": settings.center_hours,
            "chat_url": settings.chat_url,
        },
    )
    response.headers["Content-Security-Policy"] = page_policy(settings.chat_url)
    response.headers["Cache-Control"] = "no-cache"
    return response


@router.get("/widget/{name}")
def widget_file(name: str) -> Response:
    if name not in WIDGET_FILES:
        return HTMLResponse("Not found", status_code=404)
    return FileResponse(
        WIDGET / name, media_type=WIDGET_FILES[name], headers={"Cache-Control": "no-cache"}
    )
