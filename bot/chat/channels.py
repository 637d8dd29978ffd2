"""The chat channels of the Rasa server (credentials.yml): the website widget's, and REST for
local tools and tests.

Why REST and not socket.io: every visitor turn is one request and one answer, so a send that
fails is an HTTP failure the widget can show and resend; socket.io emits can be dropped
silently while it reconnects, its Rasa channel accepts every origin (python-socketio is
created with CORS checks off) and server pushes do not cross Sanic workers anyway.

Why not Rasa's own REST channel: it answers any origin and any client-chosen conversation id.
This one answers only the site's origins, compared as exact strings (no wildcard, no
pattern), refuses requests without an Origin header, checks the body before Rasa sees it,
opens a conversation only with the token the server issued for it (bot/chat/ownership.py),
caps floods (bot/chat/limits.py), answers a message sent again with the answer it already
got (bot/chat/replays.py), and gives the widget its current session's transcript so a
reload continues the conversation. The CORS headers themselves
come from Rasa's `--cors` with the same origins (bot/topology.py, docker-compose.yml), whose
Sanic-CORS also answers the browser's preflight requests.
"""

import hmac
import logging
import re
import time
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional

from rasa.core.channels import rest
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.events import BotUttered, Event, SessionStarted, UserUttered
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.chat import ownership, replays
from bot.chat.action_calls import bound_action_calls
from bot.chat.limits import FixedWindows
from bot.chat.lock_store import LOCK_FAILED
from bot.chat.tracker_store import ConversationsUnavailable, fail_loudly
from bot.chat.transcripts import staff_transcript
from bot.logs.request_ids import observe_sanic
from bot.settings import Settings, parse_origins

logger = logging.getLogger(__name__)

MAX_MESSAGE = 2000
# The widget's id for a message, sent again with it when it resends (bot/chat/replays.py).
MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
# The conversations (their store or their lock) cannot be reached: say so rather than answer
# from a blank one.
UNAVAILABLE = (
    "Sorry, I can't continue our conversation right now. Please try again in a few minutes; "
    "if it's urgent, call us at {phone}, or 911 in an emergency."
)
NO_ANSWER = (
    "Sorry, something went wrong on our side and I couldn't do that just now. Nothing you "
    "typed for a callback request was sent. Please try again in a minute, or call us at "
    "{phone}. In an emergency, call 911."
)
BUSY = (
    "You're sending messages faster than I can answer. Please wait a minute and try again, "
    "or call us at {phone}."
)


class WebsiteInput(InputChannel):
    """POST /webhooks/website/session, /webhook; GET /history; and, for the web service and
    the retention job only, GET and DELETE /conversations/<id> and POST /retention."""

    @classmethod
    def name(cls) -> str:
        return "website"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "WebsiteInput":
        return cls(parse_origins((credentials or {}).get("allowed_origins")), Settings())

    def __init__(self, allowed_origins: Iterable[str], settings: Settings) -> None:
        self.allowed_origins = frozenset(allowed_origins)
        self.settings = settings
        self.key = settings.signing_secret()
        redis_url = settings.rate_limit_redis_url or None
        self.caps = FixedWindows(
            {
                "conversation": settings.chat_messages_per_minute,
                "client": settings.chat_client_messages_per_minute,
            },
            60,
            redis_url,
        )
        # Every Rasa server of ours has this channel: the one place its action calls are bounded.
        bound_action_calls(settings.action_call_timeout_s)

    def _refused(self, request: Request) -> Optional[HTTPResponse]:
        if request.headers.get("origin") in self.allowed_origins:
            return None
        return response.json({"error": "This chat only answers the center's website."}, status=403)

    def _client(self, request: Request) -> str:
        return ownership.client_key(request.remote_addr or request.ip or "unknown", self.key)

    def _owner(self, request: Request) -> "str | HTTPResponse":
        """The conversation the request's token opens, or the response refusing it. A
        conversation id named by the client is refused: only the token opens one."""
        if "sender" in request.args or (
            isinstance(_json(request), dict) and "sender" in _json(request)
        ):
            return response.json(
                {"error": "This conversation can only be continued where it was started."},
                status=403,
            )
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            return response.json({"error": "Start a conversation first."}, status=401)
        sender = ownership.conversation_of(header[len("Bearer ") :].strip(), self.key)
        if sender is None:
            return response.json({"error": "This conversation has ended."}, status=403)
        return sender

    def _internal(self, request: Request) -> bool:
        """The web service and the retention job, which hold the chat admin token."""
        expected = f"Bearer {self.settings.chat_admin_token()}".encode()
        return hmac.compare_digest(request.headers.get("authorization", "").encode(), expected)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        website = Blueprint("website_chat", __name__)
        website.listener("before_server_start")(_observe)

        @website.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @website.route("/session", methods=["POST"])
        async def session(request: Request) -> HTTPResponse:
            refused = self._refused(request)
            if refused:
                return refused
            if not await self.caps.hit(client=self._client(request)):
                return self._busy()
            return response.json({"token": ownership.issue_token()})

        @website.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refused = self._refused(request)
            if refused:
                return refused
            owner = self._owner(request)
            if not isinstance(owner, str):
                return owner
            body = _json(request)
            text = body.get("message") if isinstance(body, dict) else None
            if not isinstance(text, str) or not text.strip():
                return response.json({"error": "Please type a message."}, status=400)
            if len(text) > MAX_MESSAGE:
                return response.json(
                    {"error": f"Please keep a message under {MAX_MESSAGE} characters."}, status=413
                )
            message_id = body.get("id")
            if message_id is not None and not (
                isinstance(message_id, str) and MESSAGE_ID.fullmatch(message_id)
            ):
                return response.json(
                    {"error": "This message could not be read. Please reload the page."}, status=400
                )
            client = self._client(request)
            if not await self.caps.hit(conversation=owner, client=client):
                return self._busy()
            _fail_loudly(request)
            collector = CollectingOutputChannel()
            try:
                with replays.incoming(message_id):
                    await on_new_message(
                        UserMessage(
                            text,
                            collector,
                            owner,
                            input_channel=self.name(),
                            message_id=message_id,
                            metadata={"client": client},
                        )
                    )
            except replays.AlreadyAnswered as answered:  # sent again (bot/chat/replays.py)
                return response.json(answered.replies or [{"text": self._no_answer()}])
            except LOCK_FAILED as error:  # nothing of the turn ran (bot/chat/lock_store.py)
                logger.error("conversation lock unavailable (%s): said so", type(error).__name__)
                return self._unavailable()
            except ConversationsUnavailable as error:
                logger.error("conversations unavailable (%s): said so", error)
                return self._unavailable()
            # Every turn of this assistant says something; silence means a part of it failed
            # (Rasa logs a failed action call and answers nothing): say so.
            return response.json(collector.messages or [{"text": self._no_answer()}])

        @website.route("/history", methods=["GET"])
        async def history(request: Request) -> HTTPResponse:
            refused = self._refused(request)
            if refused:
                return refused
            owner = self._owner(request)
            if not isinstance(owner, str):
                return owner
            _fail_loudly(request)
            try:
                tracker = await request.app.ctx.agent.tracker_store.retrieve(owner)
            except ConversationsUnavailable:
                return self._unavailable()
            expiry = request.app.ctx.agent.domain.session_config.session_expiration_time
            events = current_session(tracker.events if tracker else [], expiry * 60)
            return response.json(transcript(events))

        @website.route("/conversations/<sender>", methods=["GET"])
        async def conversation(request: Request, sender: str) -> HTTPResponse:
            if not self._internal(request):
                return response.json({"error": "Not allowed."}, status=403)
            _fail_loudly(request)
            try:
                tracker = await request.app.ctx.agent.tracker_store.retrieve(sender)
            except ConversationsUnavailable:
                return self._unavailable()
            return response.json({"lines": staff_transcript(tracker.events if tracker else [])})

        @website.route("/conversations/<sender>", methods=["DELETE"])
        async def delete(request: Request, sender: str) -> HTTPResponse:
            if not self._internal(request):
                return response.json({"error": "Not allowed."}, status=403)
            await _deleting_store(request).delete(sender)
            return response.json({"deleted": sender})

        @website.route("/retention", methods=["POST"])
        async def retention(request: Request) -> HTTPResponse:
            if not self._internal(request):
                return response.json({"error": "Not allowed."}, status=403)
            body = _json(request)
            days = body.get("older_than_days") if isinstance(body, dict) else None
            if not isinstance(days, (int, float)) or isinstance(days, bool) or days < 0:
                return response.json({"error": 'Send {"older_than_days": N}.'}, status=400)
            cutoff = time.time() - days * 86400
            deleted = await _deleting_store(request).delete_older_than(cutoff)
            return response.json({"deleted": deleted})

        return website

    def _unavailable(self) -> HTTPResponse:
        return response.json(
            {"error": UNAVAILABLE.format(phone=self.settings.center_phone)}, status=503
        )

    def _no_answer(self) -> str:
        return NO_ANSWER.format(phone=self.settings.center_phone)

    def _busy(self) -> HTTPResponse:
        return response.json({"error": BUSY.format(phone=self.settings.center_phone)}, status=429)


async def _observe(app: Any, _loop: Any) -> None:
    """Request ids on every route of the Rasa server, set up once Rasa has set its loggers."""
    observe_sanic(app)


def _own_store(request: Request, capability: str) -> Any:
    """The project's tracker store (bot/chat/tracker_store.py) under the fail-safe wrapper
    Rasa's agent puts around it, if it has `capability`; None otherwise."""
    store = request.app.ctx.agent.tracker_store
    while not hasattr(store, capability) and hasattr(store, "_tracker_store"):
        store = store._tracker_store
    return store if hasattr(store, capability) else None


def _fail_loudly(request: Request) -> None:
    """Rasa's agent wraps every tracker store in a fail-safe one that answers from an empty
    conversation when the store fails; the agent is replaced with each model, so this is set
    on every message."""
    store = request.app.ctx.agent.tracker_store
    if isinstance(store, FailSafeTrackerStore):
        store._on_tracker_store_error = fail_loudly


def _deleting_store(request: Request) -> Any:
    store = _own_store(request, "delete_older_than")
    if store is None:
        raise TypeError("this tracker store cannot delete conversations")
    return store


def _json(request: Request) -> Any:
    try:
        return request.json
    except Exception:
        return None


def current_session(events: Iterable[Event], expiry_s: float) -> List[Event]:
    """The events of the conversation's current session: none once it has expired, so a
    shared computer does not show the last visitor's conversation."""
    events = list(events)
    starts = [i for i, e in enumerate(events) if isinstance(e, SessionStarted)]
    current = events[starts[-1] :] if starts else events
    if current and expiry_s > 0 and time.time() - current[-1].timestamp > expiry_s:
        return []
    return current


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

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        rest_blueprint = super().blueprint(on_new_message)
        rest_blueprint.listener("before_server_start")(_observe)
        return rest_blueprint

    async def _extract_sender(self, req: Request) -> Optional[str]:
        body = _json(req)
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
