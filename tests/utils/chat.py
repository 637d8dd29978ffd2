"""Talking to the running topology's REST channel as a visitor would."""

import json
import uuid
from typing import Any, Tuple

from bot.settings import Settings
from tests.utils.http import send
from tests.utils.servers import free_port

PHONE = "1-800-555-0142"
# Free ports, not fixed ones: another checkout's tests on the same machine must not answer
# (or be answered by) these servers.
SETTINGS = Settings(
    rasa_port=free_port(),
    action_port=free_port(),
    web_port=free_port(),
    center_phone=PHONE,
    center_name="Test NET Program",
    center_hours="weekdays 9 to 5",
)
SITE = f"http://{SETTINGS.host}:{SETTINGS.web_port}"


def post(body: bytes, content_type: str = "application/json") -> Tuple[int, Any]:
    status, _, answer = send(
        f"{SETTINGS.rasa_url}/webhooks/rest/webhook", body, {"Content-Type": content_type}
    )
    return status, answer


class Visitor:
    def __init__(self) -> None:
        self.sender = uuid.uuid4().hex

    def say(self, text: str) -> str:
        status, replies = post(json.dumps({"sender": self.sender, "message": text}).encode())
        assert status == 200, (text, status)
        return "\n".join(r.get("text", "") for r in replies)
