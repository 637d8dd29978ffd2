"""One request to a running server, as its clients send it: (status, headers, decoded body).
A body that is not JSON comes back as its text, so a test can show what a refusal said."""

import json
import urllib.error
import urllib.request
from typing import Any, Dict, Optional, Tuple


def send(
    url: str,
    body: Any = None,
    headers: Optional[Dict[str, str]] = None,
    method: str = "POST",
    timeout: float = 60,
) -> Tuple[int, Dict[str, str], Any]:
    """`body` as JSON, or bytes as they are; None sends no body."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url,
        data=data,
        headers={"Content-Type": "application/json", **(headers or {})},
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), _decoded(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), _decoded(error.read())


def _decoded(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return raw.decode("utf-8", "replace")
