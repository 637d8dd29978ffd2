"""The retrain reports (`content retrain`, bot/evaluation/) for admins: the list of runs, and
each run's report as the files it was written as.

A report is served as its own page, with its stylesheet and confusion plot as files beside
it, so the app's CSP (no inline style or script) holds for it unchanged. Run names and file
names are checked by bot/evaluation/runs.py before any file is opened.
"""

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from bot.evaluation.runs import FILES, REPORT, RUN_ID, list_runs, run_file
from bot.staff.accounts import Staff
from bot.web.deps import page_admin
from bot.web.routes.staff import render

router = APIRouter(prefix="/staff/reports", include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def reports_page(request: Request, staff: Staff = Depends(page_admin)) -> Response:
    runs = list_runs(request.app.state.settings.reports_dir)
    return render(request, "reports.html", staff, runs=runs)


@router.get("/{run_id}")
def to_report(run_id: str, staff: Staff = Depends(page_admin)) -> RedirectResponse:
    """The report's relative links (stylesheet, plot) need the folder's trailing slash."""
    if not RUN_ID.match(run_id):
        raise HTTPException(status_code=404, detail="There is no such report.")
    return RedirectResponse(f"/staff/reports/{run_id}/", status_code=303)


@router.get("/{run_id}/", response_class=HTMLResponse)
def report_page(request: Request, run_id: str, staff: Staff = Depends(page_admin)) -> Response:
    return report_file(request, run_id, REPORT, staff)


@router.get("/{run_id}/{name}")
def report_file(
    request: Request, run_id: str, name: str, staff: Staff = Depends(page_admin)
) -> Response:
    path = run_file(request.app.state.settings.reports_dir, run_id, name)
    if path is None:
        raise HTTPException(status_code=404, detail="There is no such report.")
    return FileResponse(path, media_type=FILES[name])
