"""The content check for admins, as `python -m bot content check` reports it
(bot/content/check.py).

Opening the page runs the quick checks (YAML, answers, links, review dates, examples): about
6 s on this project, nearly all of it reading YAML, so the report is kept and made again only
when a file it reads changed (or the day did: review dates). Rasa's own validation is a
separate process of about 15 s, too slow for every page load and too heavy to run twice at
once on a small server: it runs when an admin presses its button, one run at a time, and the
page then shows that full report with its time and who ran it until the server restarts.
"""

import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.content import ERROR, Finding, check
from bot.content.check import yaml_files
from bot.content.findings import summary
from bot.staff.accounts import Staff
from bot.web.deps import page_admin
from bot.web.routes.staff import render

router = APIRouter(prefix="/staff", include_in_schema=False)

NOTICES = {
    "done": "Rasa's validation ran: the full report is below.",
    "busy": "Rasa's validation is already running for someone: its report will show here.",
}
_running = threading.Lock()


@dataclass(frozen=True)
class FileReport:
    file: str
    errors: List[Finding]
    warnings: List[Finding]
    awaiting_review: List[Finding]  # warnings too, folded: there can be ninety of them


@dataclass(frozen=True)
class FullReport:
    at: datetime
    by: str
    findings: List[Finding]


def by_file(findings: Sequence[Finding]) -> List[FileReport]:
    """One section per file, the files with errors first, each with its errors first."""
    grouped: Dict[str, List[Finding]] = defaultdict(list)
    for finding in findings:
        grouped[finding.file].append(finding)
    reports = []
    for file, found in grouped.items():
        ordered = sorted(found, key=lambda f: f.line)
        reports.append(
            FileReport(
                file or "the project as a whole",
                [f for f in ordered if f.severity == ERROR],
                [f for f in ordered if f.severity != ERROR and f.kind != "awaiting-review"],
                [f for f in ordered if f.severity != ERROR and f.kind == "awaiting-review"],
            )
        )
    return sorted(reports, key=lambda r: (not r.errors, r.file))


def _project(request: Request) -> Path:
    project: Path = request.app.state.project
    return project


def _last_full(request: Request) -> Optional[FullReport]:
    report: Optional[FullReport] = getattr(request.app.state, "content_report", None)
    return report


def _quick(request: Request) -> List[Finding]:
    """The quick checks' findings, made again when a file they read or the day changed."""
    root = _project(request)
    stats = [(str(path), path.stat()) for path in yaml_files(root)]
    key: Tuple = (date.today(), *((name, s.st_mtime_ns, s.st_size) for name, s in stats))
    kept = getattr(request.app.state, "content_quick", None)
    if kept is None or kept[0] != key:
        kept = (key, check(root, rasa=False))
        request.app.state.content_quick = kept
    findings: List[Finding] = kept[1]
    return findings


@router.get("/content", response_class=HTMLResponse)
def content_page(request: Request, staff: Staff = Depends(page_admin)) -> Response:
    quick = _quick(request)
    full = _last_full(request)
    return render(
        request,
        "content.html",
        staff,
        notice=NOTICES.get(request.query_params.get("notice", "")),
        quick=by_file(quick),
        quick_summary=summary(quick, rasa_skipped=True),
        full=full,
        full_files=by_file(full.findings) if full else [],
        full_summary=summary(full.findings) if full else "",
        running=_running.locked(),
    )


@router.post("/content/rasa")
def run_full_check(request: Request, staff: Staff = Depends(page_admin)) -> Response:
    """Runs in FastAPI's worker threads (a plain def route), so other pages stay served."""
    if not _running.acquire(blocking=False):
        return RedirectResponse("/staff/content?notice=busy", status_code=303)
    try:
        findings = check(_project(request), rasa=True)
    finally:
        _running.release()
    request.app.state.content_report = FullReport(
        datetime.now(timezone.utc), staff.username, findings
    )
    return RedirectResponse("/staff/content?notice=done", status_code=303)
