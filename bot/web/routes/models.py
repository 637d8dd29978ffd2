"""The admins' page of published models (/staff/models): which one the Rasa servers run, who
published each and when, the quality gate's verdict, and a rollback to the one before.

Publishing itself happens on the command line or in `make retrain` (bot/models/registry.py);
the page only rolls back, in one audited step, behind the CSRF check of every staff form.
"""

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.models.registry import PublishRefused, Registry
from bot.staff.accounts import Staff
from bot.web.deps import db, page_admin
from bot.web.routes.staff import render

router = APIRouter(prefix="/staff", include_in_schema=False)

NOTICES = {"rolled-back": "Rolled back: the Rasa servers switch to that model within a minute."}


def registry_of(request: Request) -> Registry:
    """The published models of this web service's database and directory."""
    return Registry(db(request), request.app.state.settings.published_models_dir)


def _page(request: Request, staff: Staff, status_code: int = 200, **context: Any) -> Response:
    settings = request.app.state.settings
    return render(
        request,
        "models.html",
        staff,
        status_code=status_code,
        publications=registry_of(request).publications(),
        pull_interval=settings.model_pull_interval_s,
        **context,
    )


@router.get("/models", response_class=HTMLResponse)
def models_page(request: Request, staff: Staff = Depends(page_admin)) -> Response:
    # Notices by key, so nothing from the URL is shown; staff.py's own ones otherwise.
    notice = NOTICES.get(request.query_params.get("notice", ""))
    if notice:
        return _page(request, staff, notice=notice)
    return _page(request, staff)


@router.post("/models/rollback")
def rollback(request: Request, staff: Staff = Depends(page_admin)) -> Response:
    try:
        registry_of(request).rollback(staff.username)
    except PublishRefused as refused:
        return _page(request, staff, status_code=409, error=str(refused))
    return RedirectResponse("/staff/models?notice=rolled-back", status_code=303)
