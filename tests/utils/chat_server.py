"""A stand-in for the chat server's internal conversation endpoints (bot/chat/channels.py:
reading one for staff, deleting), for tests of the web service and the CLI that run without
Rasa. It records what it was asked and refuses a wrong admin token as the real one does; a
conversation it is asked for is the one a test put in `calls.transcripts`, turned into lines by
the real channel's function. The real endpoints are tested against the real Rasa server in
tests/e2e/test_website_channel.py."""

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List, Tuple
from urllib.parse import unquote

from rasa.shared.core.events import Event

from bot.chat.transcripts import staff_transcript
from bot.settings import Settings

PREFIX = "/webhooks/website/"


class Calls(List[Tuple[str, str]]):
    """The (method, path) of each accepted call, and the X-Request-ID each carried; the
    conversations it holds, by id, as Rasa events."""

    def __init__(self) -> None:
        super().__init__()
        self.request_ids: List[str] = []
        self.transcripts: Dict[str, List[Event]] = {}
        self.down = False  # answer every call 503, as a chat server that cannot serve


@contextmanager
def chat_server(settings: Settings) -> Iterator[Calls]:
    """Listens at settings.rasa_url; yields the calls it accepted."""
    calls = Calls()
    expected = f"Bearer {settings.chat_admin_token()}"

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, method: str) -> None:
            if calls.down:
                self._send(503, {"error": "unavailable"})
                return
            if self.headers.get("Authorization") != expected:
                self._send(403, {"error": "Not allowed."})
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"null")
            path = self.path[len(PREFIX) :]
            calls.append((method, path))
            calls.request_ids.append(self.headers.get("X-Request-ID", ""))
            if method == "GET" and path.startswith("conversations/"):
                events = calls.transcripts.get(unquote(path[len("conversations/") :]), [])
                self._send(200, {"lines": staff_transcript(events)})
            elif method == "POST" and path == "retention":
                self._send(200, {"deleted": 0 if body["older_than_days"] else 1})
            else:
                self._send(200, {"deleted": path})

        def _send(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._answer("GET")

        def do_DELETE(self) -> None:
            self._answer("DELETE")

        def do_POST(self) -> None:
            self._answer("POST")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((settings.host, settings.rasa_port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield calls
    finally:
        server.shutdown()
        server.server_close()
