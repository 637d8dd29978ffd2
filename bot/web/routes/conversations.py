"""The conversation behind a callback request, for the staff member who opens it, with a
"Not an emergency" mark on each message the assistant answered with 911/988
(bot/leads/transcripts.py). Linked from the request's page; the conversation is read from
the chat server on each view, so a deleted one is gone here too.
"""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.leads import transcripts
from bot.leads.conversations import ConversationsUnreachable
from bot.staff.accounts import Staff
from bot.web.deps import db, page_staff
from bot.web.routes.staff import error_page, render

router = APIRouter(prefix="/staff", include_in_schema=False)

UNREACHABLE = (
    "The conversation cannot be shown right now: the chat server did not answer. Try again in "
    "a minute."
)
MARKED = "Marked not an emergency: the message is on the content team's unanswered list."


@router.get("/leads/{reference}/conversation", response_class=HTMLResponse)
def conversation_page(
    reference: str, request: Request, staff: Staff = Depends(page_staff)
) -> Response:
    settings = request.app.state.settings
    try:
        lead, lines, marked = transcripts.view(
            db(request),
            request.app.state.conversations,
            reference,
            staff,
            settings.lead_views_per_minute,
        )
    except ConversationsUnreachable:
        return error_page(request, 503, UNREACHABLE)
    notice = MARKED if request.query_params.get("notice") == "marked" else None
    return render(
        request, "conversation.html", staff, lead=lead, lines=lines, marked=marked, notice=notice
    )


@router.post("/leads/{reference}/conversation/{index}/not-emergency")
def not_an_emergency(
    reference: str, index: int, request: Request, staff: Staff = Depends(page_staff)
) -> Response:
    try:
        transcripts.mark_not_emergency(
            db(request), request.app.state.conversations, reference, index, staff
        )
    except ConversationsUnreachable:
        return error_page(request, 503, UNREACHABLE)
    return RedirectResponse(
        f"/staff/leads/{reference}/conversation?notice=marked#message-{index}", status_code=303
    )
