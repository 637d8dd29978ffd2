"""A visitor of the website widget, as the site serves it: through the chat's address (the
proxy in the production topology), from the site's origin, with the token the chat server
issues."""

import uuid
from typing import Any, List, Optional, Tuple

from bot.chat.ownership import conversation_of
from bot.settings import Settings
from tests.utils.http import send


class WebsiteVisitor:
    def __init__(self, settings: Settings) -> None:
        self.base = f"{settings.rasa_url}/webhooks/website"
        origin = {"Origin": f"http://{settings.host}:{settings.web_port}"}
        status, _, body = send(f"{self.base}/session", None, origin)
        assert status == 200, body
        self.token = body["token"]
        self.sender = conversation_of(self.token, settings.signing_secret())
        self.headers = {**origin, "Authorization": f"Bearer {self.token}"}
        self.last_id: Optional[str] = None

    def say(self, text: str, message_id: Optional[str] = None) -> Tuple[int, Any]:
        """The status and the answer (a list of replies, or the channel's error). Each
        message has an id, as the widget gives it; a resend passes the same one again."""
        self.last_id = message_id or uuid.uuid4().hex
        body = {"message": text, "id": self.last_id}
        status, _, answer = send(f"{self.base}/webhook", body, self.headers)
        return status, answer

    def said(self, text: str) -> str:
        """The answer's text, which must have come."""
        status, answer = self.say(text)
        assert status == 200, (text, status, answer)
        return "\n".join(reply.get("text", "") for reply in answer)

    def history(self) -> List[dict]:
        status, _, lines = send(f"{self.base}/history", None, self.headers, method="GET")
        assert status == 200, lines
        return lines

    def typed(self) -> List[str]:
        return [line["text"] for line in self.history() if line["from"] == "visitor"]
