"""The conversations behind leads, deleted through the chat server (bot/chat/channels.py),
which holds them in whatever tracker store it runs with (memory locally, PostgreSQL in
production): one path for a deletion request and for retention, whatever the store."""

import json
import urllib.error
import urllib.request
from typing import Any, Dict, Optional
from urllib.parse import quote

from bot.logs.request_ids import outgoing
from bot.settings import Settings


class ConversationsUnreachable(RuntimeError):
    """The chat server could not delete: nothing that depends on it may be reported done."""


class ChatServer:
    def __init__(self, settings: Settings, timeout_s: float = 10.0) -> None:
        self.base = f"{settings.rasa_url}/webhooks/website"
        self.token = settings.chat_admin_token()
        self.timeout_s = timeout_s

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
                f"the chat server at {self.base} could not delete conversations: {error}"
            ) from error
