"""The review page under /staff/review: reviewers (and admins) approve answers or send them
back with a comment.

It lists each answer that is new, changed since its approval, past its review date or sent
back, with its text and source; a decision is written into the answer's metadata in
data/responses/ and audited (bot/clinical_review.py). The page shows no callback request. A
refused decision (the answer changed since the page was shown, a comment missing or too long)
shows the page again with the reason, the comment as typed kept in its box.
"""

from datetime import date
from typing import Any, Optional

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.clinical_review import approve_answer, send_back_answer
from bot.content.approval import MAX_COMMENT_CHARS, AnswerRef, review_list
from bot.content.edits import EditRefused
from bot.staff.accounts import Staff
from bot.web.deps import db, page_reviewer
from bot.web.routes.staff import render

router = APIRouter(prefix="/staff/review", include_in_schema=False)

NOTICES = {
    "approved": "Approved: your name and today's date are in the answer's metadata.",
    "sent_back": "Sent back: your comment is in the answer's metadata.",
}
STATUS_LABELS = {
    "new": "New",
    "changed": "Changed since approval",
    "overdue": "Past its review date",
}
NOT_KEPT = (
    "decisions are not taken here: this production service holds its image's copy of the "
    "answers, which the next deployment replaces. Review on the content team's copy of the "
    "project (docs/operations.md, CONTENT_ROOT)."
)
# Longer than any comment kept (MAX_COMMENT_CHARS), so a long one is refused with a message
# and shown again, not cut short by the form parser.
FORM_COMMENT_CHARS = 20 * MAX_COMMENT_CHARS


def _page(
    request: Request,
    staff: Staff,
    status_code: int = 200,
    error: Optional[str] = None,
    refused_version: str = "",
    comment: str = "",
) -> Response:
    settings = request.app.state.settings
    listing = review_list(settings.review_root, date.today(), settings.content_review_days)
    return render(
        request,
        "review.html",
        staff,
        status_code,
        notice=None if error else NOTICES.get(request.query_params.get("notice", "")),
        error=error,
        listing=listing,
        labels=STATUS_LABELS,
        refused_version=refused_version,
        comment=comment,
        max_comment=MAX_COMMENT_CHARS,
        serve_approved_only=settings.serve_approved_only,
        decisions_kept=settings.review_decisions_kept,
        review_days=settings.content_review_days,
    )


@router.get("", response_class=HTMLResponse)
def review_page(request: Request, staff: Staff = Depends(page_reviewer)) -> Response:
    return _page(request, staff)


def _decide(
    request: Request, staff: Staff, ref: AnswerRef, version: str, comment: Optional[str] = None
) -> Any:
    """Approve (no comment) or send back, then the page again: with a notice, or the reason."""
    settings = request.app.state.settings
    root = settings.review_root
    try:
        if not settings.review_decisions_kept:
            raise EditRefused(NOT_KEPT)
        if comment is None:
            approve_answer(db(request), staff, root, ref, version, date.today())
        else:
            send_back_answer(db(request), staff, root, ref, version, comment, date.today())
    except EditRefused as refused:
        return _page(
            request,
            staff,
            409,
            error=f"{ref.response}: {refused}",
            refused_version=version,
            comment=comment or "",
        )
    notice = "approved" if comment is None else "sent_back"
    return RedirectResponse(f"/staff/review?notice={notice}", status_code=303)


@router.post("/approve")
def approve(
    request: Request,
    staff: Staff = Depends(page_reviewer),
    file: str = Form(..., max_length=100),
    response: str = Form(..., max_length=200),
    index: int = Form(..., ge=0),
    version: str = Form(..., max_length=64),
) -> Any:
    return _decide(request, staff, AnswerRef(file, response, index), version)


@router.post("/send-back")
def send_back(
    request: Request,
    staff: Staff = Depends(page_reviewer),
    file: str = Form(..., max_length=100),
    response: str = Form(..., max_length=200),
    index: int = Form(..., ge=0),
    version: str = Form(..., max_length=64),
    comment: str = Form("", max_length=FORM_COMMENT_CHARS),
) -> Any:
    return _decide(request, staff, AnswerRef(file, response, index), version, comment=comment)
