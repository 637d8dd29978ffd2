"""The staff dashboard under /staff/: server-rendered pages, no JavaScript.

Jinja2 escapes every value it renders, so whatever a visitor typed as a name shows as text.
Every form carries the CSRF token (bot/web/csrf.py checks it before the request gets here). A
refused operation shows the error page with the reason (the app's exception handler).
"""

from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Dict, Optional

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.leads import queue, retention
from bot.leads.store import CLOSE_REASONS, OPEN_STATUSES, REASONS, STATUSES, list_leads
from bot.staff import sessions as staff_sessions
from bot.staff.accounts import (
    ROLES,
    AccountError,
    Staff,
    TooManyAttempts,
    add_user,
    list_users,
    set_active,
)
from bot.web.csrf import SCOPE_KEY as CSRF_SCOPE_KEY
from bot.web.deps import (
    COOKIE,
    check_credentials,
    csv_attachment,
    db,
    home,
    page_admin,
    page_staff,
    session_token,
    set_session_cookie,
)
from bot.web.templating import templates

router = APIRouter(prefix="/staff", include_in_schema=False)

# Notices are chosen from this list by key, so nothing from the URL is ever shown.
NOTICES = {
    "empty": "The queue is empty: nothing is waiting.",
    "claimed": "Claimed. It is yours until the lease runs out.",
    "saved": "Outcome saved.",
    "released": "Given back to the queue.",
    "deleted": "The request was deleted. Only an audit record remains.",
    "account": "Account saved.",
}


def render(
    request: Request, name: str, staff: Optional[Staff], status_code: int = 200, **context: Any
) -> Response:
    notice = NOTICES.get(request.query_params.get("notice", ""))
    return templates.TemplateResponse(
        name,
        {
            "request": request,
            "staff": staff,
            "notice": notice,
            "csrftoken": request.scope[CSRF_SCOPE_KEY](),
            **context,
        },
        status_code=status_code,
    )


def _safe_next(path: Optional[str]) -> str:
    """Only our own pages: no open redirect to another site."""
    if path and path.startswith("/staff/") and not path.startswith("//"):
        return path
    return "/staff/"


def _settings(request: Request) -> Any:
    return request.app.state.settings


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: Optional[str] = None) -> Response:
    return render(request, "login.html", None, next=_safe_next(next))


@router.post("/login")
def login(
    request: Request,
    username: str = Form("", max_length=200),
    password: str = Form("", max_length=1024),
    next: str = Form("/staff/"),
) -> Response:
    try:
        staff = check_credentials(request, username, password)
    except TooManyAttempts as refused:
        page = render(
            request, "login.html", None, status_code=429, next=_safe_next(next), error=str(refused)
        )
        page.headers["Retry-After"] = str(refused.retry_after)
        return page
    if staff is None:
        return render(
            request,
            "login.html",
            None,
            status_code=401,
            next=_safe_next(next),
            error="Wrong username or password, or the account is switched off.",
        )
    target = _safe_next(next)
    response = RedirectResponse(home(staff) if target == "/staff/" else target, status_code=303)
    set_session_cookie(request, response, staff_sessions.start(db(request), staff))
    return response


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    staff_sessions.end(db(request), session_token(request))
    response = RedirectResponse("/staff/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/", response_class=HTMLResponse)
def queue_page(
    request: Request,
    staff: Staff = Depends(page_staff),
    status: Optional[str] = None,
    reason: Optional[str] = None,
    reference: Optional[str] = None,
) -> Response:
    status = status if status in ("all", *STATUSES) else "open"
    reason = reason if reason in REASONS else None
    leads = list_leads(
        db(request), None if status == "all" else status, reason, (reference or "")[:16] or None
    )
    now = datetime.now(timezone.utc)
    target = timedelta(hours=_settings(request).callback_target_hours)
    holders = _usernames(request)
    rows = []
    for lead in leads:
        waited = now - lead.created_at
        rows.append(
            {
                "lead": lead,
                "waited": _duration(waited),
                "holder": holders.get(lead.claimed_by) if lead.status == "claimed" else None,
                "overdue": waited > target and lead.status in OPEN_STATUSES,
            }
        )
    return render(
        request,
        "queue.html",
        staff,
        rows=rows,
        statuses=STATUSES,
        reasons=REASONS,
        status=status,
        reason=reason,
        reference=reference or "",
        target_hours=_settings(request).callback_target_hours,
    )


def _usernames(request: Request) -> Dict[int, str]:
    """Staff ids to names, to say who holds a claim."""
    return {user.id: user.username for user in list_users(db(request))}


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    return f"{hours} h {minutes % 60} min" if hours < 48 else f"{hours // 24} days"


@router.post("/claim-next")
def claim_next(request: Request, staff: Staff = Depends(page_staff)) -> RedirectResponse:
    settings = _settings(request)
    lead = queue.claim_next(
        db(request), staff, settings.claim_lease, per_minute=settings.lead_views_per_minute
    )
    if lead is None:
        return RedirectResponse("/staff/?notice=empty", status_code=303)
    return RedirectResponse(f"/staff/leads/{lead.reference}?notice=claimed", status_code=303)


@router.get("/leads/{reference}", response_class=HTMLResponse)
def lead_page(reference: str, request: Request, staff: Staff = Depends(page_staff)) -> Response:
    lead = queue.view(db(request), reference, staff, _settings(request).lead_views_per_minute)
    mine = lead.status == "claimed" and lead.claimed_by == staff.id
    holder = _usernames(request).get(lead.claimed_by) if lead.status == "claimed" else None
    return render(
        request,
        "lead.html",
        staff,
        lead=lead,
        mine=mine,
        holder=holder,
        history=queue.history(db(request), lead),
        outcomes=queue.OUTCOMES,
        close_reasons=CLOSE_REASONS,
    )


def _act(reference: str, action: Callable[[], object], notice: str) -> RedirectResponse:
    action()
    return RedirectResponse(f"/staff/leads/{reference}?notice={notice}", status_code=303)


def error_page(request: Request, status_code: int, message: str) -> Response:
    """Errors on staff pages as a page with the reason, not as JSON."""
    return render(request, "error.html", None, status_code, error=message)


@router.post("/leads/{reference}/claim")
def claim(reference: str, request: Request, staff: Staff = Depends(page_staff)) -> RedirectResponse:
    settings = _settings(request)
    return _act(
        reference,
        lambda: queue.claim(
            db(request),
            reference,
            staff,
            settings.claim_lease,
            per_minute=settings.lead_views_per_minute,
        ),
        "claimed",
    )


@router.post("/leads/{reference}/release")
def release(
    reference: str, request: Request, staff: Staff = Depends(page_staff)
) -> RedirectResponse:
    return _act(reference, lambda: queue.release(db(request), reference, staff), "released")


@router.post("/leads/{reference}/outcome")
def outcome(
    reference: str,
    request: Request,
    staff: Staff = Depends(page_staff),
    outcome: str = Form(...),
    note: str = Form("", max_length=2000),
    closed_reason: str = Form(""),
) -> RedirectResponse:
    retry = _settings(request).no_answer_retry
    return _act(
        reference,
        lambda: queue.record_outcome(
            db(request),
            reference,
            staff,
            outcome,
            note or None,
            closed_reason or None,
            retry_after=retry,
        ),
        "saved",
    )


@router.post("/leads/{reference}/delete")
def delete(
    reference: str, request: Request, staff: Staff = Depends(page_admin)
) -> RedirectResponse:
    retention.erase_lead(db(request), request.app.state.conversations, reference, staff)
    return RedirectResponse("/staff/?notice=deleted", status_code=303)


@router.get("/export", response_class=HTMLResponse)
def export_page(request: Request, staff: Staff = Depends(page_admin)) -> Response:
    today = date.today()
    return render(request, "export.html", staff, start=today - timedelta(days=30), end=today)


@router.get("/export.csv")
def export_csv(
    request: Request, start: date, end: date, staff: Staff = Depends(page_admin)
) -> Response:
    return csv_attachment(request, start, end, staff)


@router.get("/accounts", response_class=HTMLResponse)
def accounts_page(request: Request, staff: Staff = Depends(page_admin)) -> Response:
    return render(request, "accounts.html", staff, users=list_users(db(request)), roles=ROLES)


@router.post("/accounts")
def add_account(
    request: Request,
    staff: Staff = Depends(page_admin),
    username: str = Form(..., max_length=200),
    password: str = Form(..., max_length=1024),
    role: str = Form("staff"),
) -> Response:
    try:
        add_user(db(request), username, password, role)
    except AccountError as error:
        return render(
            request,
            "accounts.html",
            staff,
            status_code=422,
            users=list_users(db(request)),
            roles=ROLES,
            error=str(error),
        )
    return RedirectResponse("/staff/accounts?notice=account", status_code=303)


@router.post("/accounts/{username}/active")
def switch_account(
    username: str, request: Request, staff: Staff = Depends(page_admin), active: str = Form(...)
) -> RedirectResponse:
    try:
        set_active(db(request), username, active == "yes")
    except AccountError as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    return RedirectResponse("/staff/accounts?notice=account", status_code=303)
