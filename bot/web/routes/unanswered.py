"""What the assistant could not answer, for admins: the same groups as `python -m bot content
unanswered`, and the same one step to make a message a FAQ training example
(bot/unanswered/examples.py add_entry), audited.

Only scrubbed text is ever shown: each message is scrubbed again on the way out, whatever the
table holds (an old row, a hand edit), and a refused rewording is shown back scrubbed too.
"""

from typing import Any, Dict, List, Optional, Tuple

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.content import topics
from bot.content.findings import relative
from bot.leads import audit
from bot.staff.accounts import Staff
from bot.unanswered import groups, store
from bot.unanswered.examples import ExampleRefused, add_entry
from bot.unanswered.scrub import scrub
from bot.web.deps import db, page_admin
from bot.web.routes.staff import render

router = APIRouter(prefix="/staff", include_in_schema=False)

DAYS = (7, 30, 90, 365)
DEFAULT_DAYS = 30
# Groups and messages a page shows: the most frequent first, so the rest matter least.
MAX_GROUPS = 100
MAX_SHOWN = 10
# Messages grouped for one page, the newest: grouping took 0.3 ms a message on 2,000 made-up
# ones (more with more distinct groups), and a flood can fill the daily cap
# (bot/unanswered/store.py) on many days.
MAX_GROUPED = 5000
KINDS = {
    "fallback": "not understood",
    "out_of_scope": "out of scope",
    "unsure_topic": "unsure which topic",
    "core_fallback": "no next step",
    "false_emergency": "false emergency (marked by staff)",
}


def _days(value: Optional[str]) -> int:
    return int(value) if value in {str(d) for d in DAYS} else DEFAULT_DAYS


def _shown(days: int, request: Request, known: Tuple[str, ...]) -> Tuple[List[Dict[str, Any]], int]:
    """The groups shown, and how many messages were left out of the grouping."""
    entries = store.open_entries(db(request), days)
    shown = []
    for group in groups.group(entries[:MAX_GROUPED])[:MAX_GROUPS]:
        guess = next((e.guess for e in group.entries if e.guess), "")
        topic = guess.removeprefix("faq/")
        first = group.entries[:MAX_SHOWN]
        shown.append(
            {
                "count": group.count,
                "kinds": sorted({KINDS.get(e.kind, e.kind) for e in group.entries}),
                "last_day": max(e.day for e in group.entries),
                "guess": scrub(guess),
                "topic": topic if topic in known else "",  # preselected
                "messages": [{"id": e.id, "text": scrub(e.text)} for e in first],
                "more": max(group.count - MAX_SHOWN, 0),
            }
        )
    return shown, max(len(entries) - MAX_GROUPED, 0)


def _page(
    request: Request,
    staff: Staff,
    days: int,
    status_code: int = 200,
    notice: Optional[str] = None,
    error: Optional[str] = None,
    kept: Optional[Dict[str, Any]] = None,
) -> Response:
    known = topics(request.app.state.project)
    shown, left_out = _shown(days, request, known)
    return render(
        request,
        "unanswered.html",
        staff,
        status_code=status_code,
        groups=shown,
        left_out=left_out,
        days=days,
        day_choices=DAYS,
        topics=known,
        notice=notice,
        error=error,
        kept=kept or {},
    )


@router.get("/unanswered", response_class=HTMLResponse)
def unanswered_page(request: Request, staff: Staff = Depends(page_admin)) -> Response:
    added = request.query_params.get("added", "")
    notice = f"Added message #{added} as a training example." if added.isdigit() else None
    return _page(request, staff, _days(request.query_params.get("days")), notice=notice)


@router.post("/unanswered/{entry_id}/example")
def add_as_example(
    entry_id: int,
    request: Request,
    staff: Staff = Depends(page_admin),
    topic: str = Form(""),
    text: str = Form(""),
    days: str = Form(""),
) -> Response:
    """On a refusal the page comes back with the reason and the admin's topic and wording
    (scrubbed) in the message's form; nothing is written and the message stays open."""
    project = request.app.state.project
    try:
        path, label = add_entry(db(request), entry_id, topic, text, project)
    except ExampleRefused as refused:
        kept = {"id": entry_id, "topic": topic, "text": scrub(text)}
        return _page(request, staff, _days(days), 422, error=f"Not added: {refused}", kept=kept)
    with db(request).begin() as session:
        audit.record(
            session,
            staff.username,
            "added example",
            detail=f"unanswered #{entry_id} to {label} in {relative(path, project)}",
        )
    return RedirectResponse(f"/staff/unanswered?added={entry_id}&days={_days(days)}", 303)
