"""The conversations behind leads, read and deleted through the chat server
(bot/chat/channels.py), which holds them in whatever tracker store it runs with (memory
locally, PostgreSQL in production): one path for the staff's view, a deletion request and
retention, whatever the store."""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Dict, List, Optional
from urllib.parse import quote

from bot.logs.request_ids import outgoing
from bot.settings import Settings


class ConversationsUnreachable(RuntimeError):
    """The chat server could not read or delete: nothing that depends on it may be reported
    done."""


@dataclass(frozen=True)
class Line:
    """One message of a conversation as staff see it."""

    index: int  # the message's place among the conversation's events: how a mark names it
    speaker: str  # "visitor" or "bot"
    text: str
    takeover: bool = False  # a visitor's message answered with the emergency message
    intent: Optional[str] = None  # what the assistant read a visitor's message as
    confidence: Optional[float] = None


class ChatServer:
    def __init__(self, settings: Settings, timeout_s: float = 10.0) -> None:
        self.base = f"{settings.rasa_url}/webhooks/website"
        self.token = settings.chat_admin_token()
        self.timeout_s = timeout_s

    def transcript(self, conversation_id: str) -> List[Line]:
        answer = self._call("GET", f"conversations/{quote(conversation_id, safe='')}")
        try:
            return [_line(item) for item in answer["lines"]]
        except (KeyError, TypeError, ValueError) as error:
            raise ConversationsUnreachable(
                f"the chat server at {self.base} sent a conversation this cannot read"
            ) from error

    def delete(self, conversation_id: str) -> None:
        self._call("DELETE", f"conversations/{quote(conversation_id, safe='')}")

    def delete_older_than(self, days: float) -> int:
        answer = self._call("POST", "retention", {"older_than_days": days})
        return int(answer["deleted"])

    def _call(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
        request = urllib.request.Request(
            f"{self.base}/{path}",
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                **outgoing(),  # the chat server's log lines of this deletion carry our id
            },
            method=method,
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                return json.loads(response.read())
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise ConversationsUnreachable(
                f"the chat server at {self.base} could not "
                f"{'read' if method == 'GET' else 'delete'} conversations: {error}"
            ) from error


def _line(item: Dict[str, Any]) -> Line:
    confidence = item.get("confidence")
    return Line(
        index=int(item["index"]),
        speaker="visitor" if item["from"] == "visitor" else "bot",
        text=str(item["text"]),
        takeover=item.get("takeover") is True,
        intent=str(item["intent"]) if item.get("intent") else None,
        confidence=float(confidence) if isinstance(confidence, (int, float)) else None,
    )
