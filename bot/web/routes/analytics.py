"""The analytics page for admins (/staff/analytics): how the assistant and the callback queue
are doing over a range of days, as numbers and as bar charts drawn on the server (SVG, no
scripts: the staff pages' CSP stays as it is). It shows counts only, never a lead or a
message, so opening it is not audited.
"""

from typing import Optional

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from bot.analytics.report import DEFAULT_DAYS, MAX_DAYS, RangeError, parse_range, report
from bot.staff.accounts import Staff
from bot.web.deps import db, page_admin
from bot.web.routes.staff import render

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("/analytics", response_class=HTMLResponse)
def analytics_page(
    request: Request,
    start: Optional[str] = None,
    end: Optional[str] = None,
    staff: Staff = Depends(page_admin),
) -> Response:
    limits = {"default_days": DEFAULT_DAYS, "max_days": MAX_DAYS}
    try:
        first, last = parse_range(start, end)
    except RangeError as error:
        # The form keeps what was typed (escaped by the template), so it can be corrected.
        return render(
            request,
            "analytics.html",
            staff,
            status_code=422,
            error=str(error),
            start=start or "",
            end=end or "",
            report=None,
            **limits,
        )
    numbers = report(db(request), first, last)
    return render(request, "analytics.html", staff, start=first, end=last, report=numbers, **limits)
