"""JSON API of the callback queue under /api/, for staff tools; the OpenAPI document is at
/api/openapi.json. Authentication: the dashboard's session cookie (with the `x-csrftoken`
header on changes), or a Bearer token from POST /api/session. A refused operation (bot.leads
errors) becomes 403, 404, 409, 422 or 429 in one place, the app's exception handler.

Contact details (name, phone, e-mail) are in the answers that hand a request to the staff
member who claims or opens it, never in the queue list; no answer names the conversation."""

from datetime import date
from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field

from bot.leads import queue, retention, store
from bot.leads.store import CLOSE_REASONS, REASONS, STATUSES, list_leads
from bot.staff import sessions as staff_sessions
from bot.staff.accounts import Staff, TooManyAttempts
from bot.web.deps import (
    api_admin,
    api_signed_in,
    api_staff,
    check_credentials,
    csv_attachment,
    db,
    session_token,
)

router = APIRouter(prefix="/api", tags=["callback queue"])


class Credentials(BaseModel):
    username: str = Field(..., max_length=64)
    password: str = Field(..., max_length=1024)


class Outcome(BaseModel):
    outcome: str = Field(..., description=f"one of {', '.join(queue.OUTCOMES)}")
    note: Optional[str] = Field(None, max_length=queue.NOTE_LIMIT)
    closed_reason: Optional[str] = Field(None, description=f"one of {', '.join(CLOSE_REASONS)}")


@router.post("/session", summary="Sign in; returns a Bearer token")
def sign_in(credentials: Credentials, request: Request) -> Dict[str, Any]:
    try:
        staff = check_credentials(request, credentials.username, credentials.password)
    except TooManyAttempts as refused:
        raise HTTPException(
            status_code=429,
            detail=str(refused),
            headers={"Retry-After": str(refused.retry_after)},
        ) from None
    if staff is None:
        raise HTTPException(status_code=401, detail="Wrong username or password.")
    return {
        "token": staff_sessions.start(db(request), staff),
        "idle_timeout_minutes": request.app.state.settings.staff_session_idle_minutes,
    }


@router.delete("/session", status_code=204, summary="Sign out")
def sign_out(request: Request, staff: Staff = Depends(api_signed_in)) -> Response:
    staff_sessions.end(db(request), session_token(request))
    return Response(status_code=204)


@router.get("/leads", summary="The queue, oldest first")
def queue_list(
    request: Request,
    staff: Staff = Depends(api_staff),
    status: str = Query("open", description="a status, 'open' (new, claimed, no answer) or 'all'"),
    reason: Optional[str] = Query(None),
    reference: Optional[str] = Query(None),
) -> List[Dict[str, Any]]:
    if status not in ("open", "all", *STATUSES) or reason not in (None, *REASONS):
        raise HTTPException(status_code=422, detail="unknown status or reason")
    leads = list_leads(db(request), None if status == "all" else status, reason, reference)
    return [store.summary(lead) for lead in leads]


@router.get("/leads/export", summary="CSV of the requests created in a date range (admin)")
def export(request: Request, start: date, end: date, staff: Staff = Depends(api_admin)) -> Response:
    """`start` and `end` are whole days (UTC), both included."""
    return csv_attachment(request, start, end, staff)


@router.get(
    "/leads/{reference}",
    summary="One request with its contact details (audited; a limited number a minute)",
)
def get_lead(reference: str, request: Request, staff: Staff = Depends(api_staff)) -> Dict[str, Any]:
    per_minute = request.app.state.settings.lead_views_per_minute
    return store.details(queue.view(db(request), reference, staff, per_minute))


@router.post("/leads/claim-next", summary="Claim the oldest waiting request")
def claim_next(request: Request, staff: Staff = Depends(api_staff)) -> Any:
    settings = request.app.state.settings
    lead = queue.claim_next(
        db(request), staff, settings.claim_lease, per_minute=settings.lead_views_per_minute
    )
    if lead is None:
        return Response(status_code=204)
    return store.details(lead)


@router.post("/leads/{reference}/claim", summary="Claim a chosen request")
def claim(reference: str, request: Request, staff: Staff = Depends(api_staff)) -> Dict[str, Any]:
    settings = request.app.state.settings
    lead = queue.claim(
        db(request),
        reference,
        staff,
        settings.claim_lease,
        per_minute=settings.lead_views_per_minute,
    )
    return store.details(lead)


@router.post("/leads/{reference}/release", summary="Give a claim back to the queue")
def release(reference: str, request: Request, staff: Staff = Depends(api_staff)) -> Dict[str, Any]:
    return store.summary(queue.release(db(request), reference, staff))


@router.patch("/leads/{reference}", summary="Record the outcome of a claimed request")
def update(
    reference: str, outcome: Outcome, request: Request, staff: Staff = Depends(api_staff)
) -> Dict[str, Any]:
    retry = request.app.state.settings.no_answer_retry
    return store.summary(
        queue.record_outcome(
            db(request),
            reference,
            staff,
            outcome.outcome,
            outcome.note,
            outcome.closed_reason,
            retry_after=retry,
        )
    )


@router.delete(
    "/leads/{reference}", status_code=204, summary="Delete a request on the person's demand (admin)"
)
def delete(reference: str, request: Request, staff: Staff = Depends(api_admin)) -> Response:
    retention.erase_lead(db(request), request.app.state.conversations, reference, staff)
    return Response(status_code=204)
