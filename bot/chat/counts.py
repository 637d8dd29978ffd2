"""The Rasa server's share of the analytics counts: a FAQ answer (its topic), a conversation's
first one, an emergency takeover, seen where every response is written (bot/chat/nlg.py).

The Rasa server has no way into the leads database (docker-compose.yml, deploy/k8s), so it
hands each count to the action server's /counts endpoint (bot/action_server.py), with the
shared secret of its action calls. Sending runs beside the answer, never before it: a count
that cannot be sent is lost and logged by metric and error type, and the visitor never waits
for it or sees it fail.
"""

import asyncio
import logging
from typing import Dict, Iterator, Optional, Set, Tuple

import aiohttp
from rasa.shared.core.events import BotUttered, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

FAQ_PREFIX = "utter_faq/"
EMERGENCY_RESPONSE = "utter_emergency"
TIMEOUT_S = 5.0


def counted(utter_action: str, tracker: DialogueStateTracker) -> Iterator[Tuple[str, str]]:
    """The (metric, key) pairs that writing this response counts."""
    if utter_action.startswith(FAQ_PREFIX):
        yield "answer", utter_action[len(FAQ_PREFIX) :]
        if not answered_before(tracker):
            yield "answered_conversation", ""
    elif utter_action == EMERGENCY_RESPONSE:
        yield "emergency", ""


def answered_before(tracker: DialogueStateTracker) -> bool:
    """Whether this session has had a FAQ answer already (Rasa keeps the response's name in
    each BotUttered's metadata)."""
    for event in reversed(tracker.events):
        if isinstance(event, SessionStarted):
            return False
        if isinstance(event, BotUttered) and str(
            (event.metadata or {}).get("utter_action", "")
        ).startswith(FAQ_PREFIX):
            return True
    return False


class CountSender:
    """Posts counts to the action server, each in a task of its own."""

    def __init__(self, endpoint: EndpointConfig) -> None:
        self.url: str = endpoint.url
        self.headers: Dict[str, str] = dict(endpoint.headers or {})
        self._session: Optional[aiohttp.ClientSession] = None
        self._tasks: Set[asyncio.Task[None]] = set()

    def send(self, metric: str, key: str = "") -> None:
        task = asyncio.get_running_loop().create_task(self._post(metric, key))
        self._tasks.add(task)  # a task nobody holds may be collected before it runs
        task.add_done_callback(self._tasks.discard)

    async def _post(self, metric: str, key: str) -> None:
        try:
            if self._session is None or self._session.closed:
                self._session = aiohttp.ClientSession(
                    timeout=aiohttp.ClientTimeout(total=TIMEOUT_S)
                )
            body = {"metric": metric, "key": key}
            async with self._session.post(self.url, json=body, headers=self.headers) as answer:
                answer.raise_for_status()
        except Exception as error:  # a lost count must never reach the visitor
            logger.warning("an analytics count (%s) was lost (%s)", metric, type(error).__name__)

    async def wait(self) -> None:
        """Until every count sent so far has been answered or given up (tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks))

    async def close(self) -> None:
        await self.wait()
        if self._session is not None:
            await self._session.close()
