"""CSRF protection for the staff pages and the cookie-authenticated API: a signed
double-submit token bound to the staff session (OWASP's "signed double-submit cookie").

asgi-csrf, used before, cannot do two things this needs. Its token is valid for whoever holds
it, so someone who can plant a cookie in a staff member's browser (from a sibling subdomain,
or in a plain-HTTP answer on the way) plants a token they fetched for themselves and forges
a form that carries it. And its cookie name and Secure flag are fixed at start-up, so the
cookie cannot take the `__Host-` prefix on the requests that come over HTTPS. Here the token
is a random value with an HMAC of that value and the session cookie it was made for: with
any other session it is refused. Over HTTPS its cookie is `__Host-csrftoken`, which a browser
accepts only from this host, Secure and for path /, and only that name is read there.

A request that changes something passes when it carries the cookie's token in the
`x-csrftoken` header or in the `csrftoken` field of an urlencoded form, and the cookie's
token belongs to the request's session. Bearer-token calls and requests without any cookie
carry no ambient authority to forge, except sign-in (login CSRF), which is always checked.
Forms are read only urlencoded: no form here uploads files, and multipart is answered 415.
"""

import hashlib
import hmac
import secrets
from http.cookies import CookieError, SimpleCookie
from typing import FrozenSet, Iterable, Optional, Tuple
from urllib.parse import parse_qsl

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import cookie_parser
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

FORM_FIELD = "csrftoken"
HEADER = "x-csrftoken"
SCOPE_KEY = "csrftoken"  # scope[SCOPE_KEY]() is the token for the page being rendered
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# The largest form here is an outcome note (2,000 characters); a body read to find the token
# is held in memory, so it is bounded.
MAX_FORM_BYTES = 64 * 1024


class CSRFMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        secret: str,
        session_cookie: str,
        always_secure: bool,
        protect_without_cookies: Iterable[str],
    ):
        self.app = app
        self.key = hashlib.sha256(b"csrf|" + secret.encode()).digest()
        self.session_cookie = session_cookie
        self.always_secure = always_secure
        self.protect_without_cookies = frozenset(protect_without_cookies)

    def _sign(self, nonce: str, session: str) -> str:
        mac = hmac.new(self.key, f"{nonce}|{session}".encode(), hashlib.sha256)
        return f"{nonce}.{mac.hexdigest()}"

    def _new_token(self, session: str) -> str:
        return self._sign(secrets.token_urlsafe(16), session)

    def _belongs(self, token: str, session: str) -> bool:
        nonce, _, _mac = token.partition(".")
        return bool(nonce) and _same(token, self._sign(nonce, session))

    def _set_cookie(self, headers: MutableHeaders, secure: bool, token: str) -> None:
        name = "__Host-csrftoken" if secure else "csrftoken"
        flags = "; Secure" if secure else ""
        headers.append("set-cookie", f"{name}={token}; Path=/; SameSite=Strict; HttpOnly{flags}")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cookies = cookie_parser(headers.get("cookie", ""))
        secure = self.always_secure or scope.get("scheme") == "https"
        session = cookies.get(self.session_cookie, "")
        presented = cookies.get("__Host-csrftoken" if secure else "csrftoken", "")
        valid = presented if self._belongs(presented, session) else None
        issued: Optional[str] = None

        def token() -> str:
            nonlocal valid, issued
            if valid is None:
                valid = issued = self._new_token(session)
            return valid

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                new_session = _session_set_in(response_headers, self.session_cookie)
                # Signing in or out changes the session: the token follows it at once.
                fresh = self._new_token(new_session) if new_session is not None else issued
                if fresh is not None:
                    self._set_cookie(response_headers, secure, fresh)
            await send(message)

        scope = {**scope, SCOPE_KEY: token}
        if scope["method"] in SAFE_METHODS or not _needs_check(
            headers, scope["path"], self.protect_without_cookies
        ):
            await self.app(scope, receive, send_with_cookie)
            return
        submitted = headers.get(HEADER)
        if submitted is None:
            kind = headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if kind == "multipart/form-data":
                await _refuse(
                    scope, receive, send, 415, "Send forms as application/x-www-form-urlencoded."
                )
                return
            if kind == "application/x-www-form-urlencoded":
                body, receive = await _read_body(receive, MAX_FORM_BYTES)
                if body is None:
                    await _refuse(scope, receive, send, 413, "The form is too large.")
                    return
                submitted = dict(parse_qsl(body.decode("latin-1"))).get(FORM_FIELD)
        if valid is None or submitted is None or not _same(submitted, valid):
            await _refuse(
                scope,
                receive,
                send,
                403,
                "No valid CSRF token: reload the page and try again (API clients signed in with"
                " the cookie send its csrftoken in the x-csrftoken header).",
            )
            return
        await self.app(scope, receive, send_with_cookie)


def _same(a: str, b: str) -> bool:
    """Constant-time comparison; as bytes, since on str it raises for non-ASCII input."""
    return hmac.compare_digest(a.encode(), b.encode())


def _needs_check(headers: Headers, path: str, protect_without_cookies: FrozenSet[str]) -> bool:
    """Whether a request that changes something must carry the token."""
    if headers.get("authorization", "").startswith("Bearer "):
        return False  # a browser never adds this header on its own
    return "cookie" in headers or path in protect_without_cookies


def _session_set_in(headers: MutableHeaders, name: str) -> Optional[str]:
    """The session cookie's new value when a response sets (or clears) it, else None."""
    for value in headers.getlist("set-cookie"):
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(value)
        except CookieError:
            continue
        if name in jar:
            return jar[name].value
    return None


async def _read_body(receive: Receive, limit: int) -> Tuple[Optional[bytes], Receive]:
    """The whole body (None past `limit`), and a receive that hands it to the app again."""
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None, receive
        chunks.append(chunk)
        more = message.get("more_body", False)
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return body, replay


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, reason: str) -> None:
    response = PlainTextResponse(reason, status_code=status)
    await response(scope, receive, send)
