"""What the routes share: who is asking (the staff session behind a request's cookie or
Bearer token), the database, and the CSV download.

Pages send an anonymous visitor to the sign-in page; the API answers 401. Admin-only
operations answer 403 to `staff`; the callback queue and its API answer 403 to `reviewer`
(a clinician approving answers has no need to see patients' requests), the review page to
`staff`. Sessions live in the database (bot/staff/sessions.py).
"""

from datetime import date
from typing import Optional
from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import sessionmaker

from bot.leads.export import export_csv
from bot.staff import sessions as staff_sessions
from bot.staff.accounts import Backoff, Staff, authenticate

COOKIE = "net_staff_session"


class SignInRequired(Exception):
    """Raised by page dependencies; the app turns it into a redirect to the sign-in page."""

    def __init__(self, next_path: str):
        self.next_path = next_path


def session_token(request: Request) -> Optional[str]:
    header = request.headers.get("authorization", "")
    if header.startswith("Bearer "):
        return header[len("Bearer ") :].strip()
    return request.cookies.get(COOKIE)


def db(request: Request) -> sessionmaker:
    """The web service's database sessions (made once, in create_app)."""
    sessions: sessionmaker = request.app.state.sessions
    return sessions


def check_credentials(request: Request, username: str, password: str) -> Optional[Staff]:
    """Sign-in for pages and the API alike; raises TooManyAttempts while guessing is slowed."""
    settings = request.app.state.settings
    backoff = Backoff(
        free_attempts=settings.login_free_attempts,
        client_free_attempts=settings.login_client_free_attempts,
        base=settings.login_backoff_base,
        cap=settings.login_backoff_max,
        window=settings.login_window,
    )
    return authenticate(db(request), username, password, client_address(request), backoff)


def _resume(request: Request) -> Optional[Staff]:
    settings = request.app.state.settings
    return staff_sessions.resume(
        db(request),
        session_token(request),
        settings.staff_session_idle,
        settings.staff_session_max,
    )


def _signed_in(request: Request) -> Staff:
    staff = _resume(request)
    if staff is None:
        raise SignInRequired(request.url.path)
    return staff


def _queue_worker(staff: Staff) -> Staff:
    if not staff.works_queue:
        raise HTTPException(status_code=403, detail="Reviewers see the review page only.")
    return staff


def page_staff(request: Request) -> Staff:
    """The callback queue's pages: staff and admins."""
    return _queue_worker(_signed_in(request))


def page_reviewer(request: Request) -> Staff:
    """The review page: reviewers and admins."""
    staff = _signed_in(request)
    if not staff.can_review:
        raise HTTPException(status_code=403, detail="Only reviewers and admins review answers.")
    return staff


def home(staff: Staff) -> str:
    """Where a signed-in person starts: the queue, or the review page for a reviewer."""
    return "/staff/" if staff.works_queue else "/staff/review"


def _admin(staff: Staff) -> Staff:
    if not staff.is_admin:
        raise HTTPException(status_code=403, detail="Only admins can do this.")
    return staff


def page_admin(request: Request) -> Staff:
    return _admin(_signed_in(request))


def api_signed_in(request: Request) -> Staff:
    staff = _resume(request)
    if staff is None:
        raise HTTPException(
            status_code=401, detail="Sign in first.", headers={"WWW-Authenticate": "Bearer"}
        )
    return staff


def api_staff(request: Request) -> Staff:
    """The queue's API: staff and admins."""
    return _queue_worker(api_signed_in(request))


def api_admin(request: Request) -> Staff:
    return _admin(api_staff(request))


def sign_in_redirect(error: SignInRequired) -> RedirectResponse:
    return RedirectResponse(f"/staff/login?next={quote(error.next_path)}", status_code=303)


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    settings = request.app.state.settings
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="strict",
        path="/",
        secure=settings.cookie_secure or request.url.scheme == "https",
    )


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def csv_attachment(request: Request, start: date, end: date, staff: Staff) -> Response:
    """The export of the days from `start` to `end` as a file download (pages and API)."""
    return Response(
        export_csv(db(request), start, end, staff),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="callbacks-{start}-{end}.csv"'},
    )
