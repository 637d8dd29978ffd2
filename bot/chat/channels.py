"""The chat channels of the Rasa server (credentials.yml): the website widget's, and REST for
local tools and tests.

Why REST and not socket.io: every visitor turn is one request and one answer, so a send that
fails is an HTTP failure the widget can show and resend; socket.io emits can be dropped
silently while it reconnects, its Rasa channel accepts every origin (python-socketio is
created with CORS checks off) and server pushes do not cross Sanic workers anyway.

Why not Rasa's own REST channel: it answers any origin. This one answers only the site's
origins, compared as exact strings (no wildcard, no pattern), refuses requests without an
Origin header, checks the body before Rasa sees it, and gives the widget the current
session's transcript so a reload continues the conversation. The CORS headers themselves
come from Rasa's `--cors` with the same origins (bot/topology.py, docker-compose.yml), whose
Sanic-CORS also answers the browser's preflight requests.
"""

import re
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional

from rasa.core.channels import rest
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.events import BotUttered, Event, UserUttered
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import parse_origins

# A random id from the widget (crypto.randomUUID) is the only key to a conversation.
SENDER = re.compile(r"^[A-Za-z0-9-]{16,64}$")
MAX_MESSAGE = 2000


class WebsiteInput(InputChannel):
    """POST /webhooks/website/webhook and GET /webhooks/website/history."""

    @classmethod
    def name(cls) -> str:
        return "website"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "WebsiteInput":
        return cls(parse_origins((credentials or {}).get("allowed_origins")))

    def __init__(self, allowed_origins: Iterable[str]) -> None:
        self.allowed_origins = frozenset(allowed_origins)

    def _refused(self, request: Request) -> Optional[HTTPResponse]:
        if request.headers.get("origin") in self.allowed_origins:
            return None
        return response.json({"error": "This chat only answers the center's website."}, status=403)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        website = Blueprint("website_chat", __name__)

        @website.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @website.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refused = self._refused(request)
            if refused:
                return refused
            try:
                body = request.json
            except Exception:
                body = None
            sender = body.get("sender") if isinstance(body, dict) else None
            text = body.get("message") if isinstance(body, dict) else None
            if not isinstance(sender, str) or not SENDER.match(sender):
                return response.json({"error": "Missing or malformed conversation id."}, status=400)
            if not isinstance(text, str) or not text.strip():
                return response.json({"error": "Please type a message."}, status=400)
            if len(text) > MAX_MESSAGE:
                return response.json(
                    {"error": f"Please keep a message under {MAX_MESSAGE} characters."}, status=413
                )
            collector = CollectingOutputChannel()
            await on_new_message(UserMessage(text, collector, sender, input_channel=self.name()))
            return response.json(collector.messages)

        @website.route("/history", methods=["GET"])
        async def history(request: Request) -> HTTPResponse:
            refused = self._refused(request)
            if refused:
                return refused
            sender = request.args.get("sender", "")
            if not SENDER.match(sender):
                return response.json({"error": "Missing or malformed conversation id."}, status=400)
            tracker = await request.app.ctx.agent.tracker_store.retrieve(sender)
            return response.json(transcript(tracker.events if tracker else []))

        return website


def transcript(events: Iterable[Event]) -> List[Dict[str, Any]]:
    """What the visitor saw in this session: their messages and the bot's, with buttons."""
    lines = []
    for event in events:
        if isinstance(event, UserUttered) and event.text and not event.text.startswith("/"):
            lines.append({"from": "visitor", "text": event.text})
        elif isinstance(event, BotUttered) and (event.text or event.data.get("buttons")):
            lines.append(
                {
                    "from": "bot",
                    "text": event.text or "",
                    "buttons": event.data.get("buttons") or [],
                }
            )
    return lines


class RestInput(rest.RestInput):
    """Rasa's REST channel (POST /webhooks/rest/webhook), refusing a malformed body with 400
    and a reason instead of failing with 500 on it. Not for the internet: it answers any
    origin, so production offers only the website channel."""

    async def _extract_sender(self, req: Request) -> Optional[str]:
        body = req.json  # Sanic answers 400 itself when this is not JSON
        if not (
            isinstance(body, dict)
            and isinstance(body.get("sender"), str)
            and isinstance(body.get("message"), str)
        ):
            raise InvalidUsage(
                'Send JSON like {"sender": "<conversation id>", "message": "<text>"}.'
            )
        sender: str = body["sender"]
        return sender
