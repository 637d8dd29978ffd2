"""The Rasa server's share of the analytics counts: a FAQ answer (its topic), a conversation's
first one, an emergency takeover, seen where every response is written (bot/chat/nlg.py).

The Rasa server has no way into the leads database (docker-compose.yml, deploy/k8s), so it
hands its counts to the action server's /counts endpoint (bot/action_server.py), with the
shared secret of its action calls. Not one by one: an answer only adds to a batch in memory
(bot/analytics/batch.py), and a thread of its own posts the batch at most every
ANALYTICS_FLUSH_S seconds and as the process exits, one request for however many answers, the
day of each count taken when it happened. The visitor never waits for it or sees it fail.

A batch is kept for the next post when it certainly was not written (the action server could
not be reached, or answered 503: its database rolled the batch back), and dropped otherwise:
refused (4xx) or failed (500), retrying cannot help; no answer in time, it may have been
written.
"""

import socket
import urllib.error
import urllib.request
from typing import Dict, Iterator, Mapping, Tuple

from rasa.shared.core.events import BotUttered, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.analytics.batch import Entry, NotWritten, encoded

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
    """A batch's way to the action server (the sink of the response generator's `Batch`)."""

    def __init__(self, endpoint: EndpointConfig) -> None:
        self.url: str = endpoint.url
        self.headers: Dict[str, str] = {
            **(endpoint.headers or {}),
            "Content-Type": "application/json",
        }
        # A direct connection: HTTP_PROXY and its kind are for the internet, not for the
        # action server next door (Rasa's own action calls ignore them too).
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def __call__(self, batch: Mapping[Entry, int]) -> None:
        request = urllib.request.Request(
            self.url, data=encoded(batch), headers=self.headers, method="POST"
        )
        try:
            with self._opener.open(request, timeout=TIMEOUT_S):
                pass
        except urllib.error.HTTPError as error:
            if error.code == 503:  # the action server's database rolled the batch back
                raise NotWritten() from error
            raise
        except urllib.error.URLError as error:
            if isinstance(error.reason, (ConnectionRefusedError, socket.gaierror)):
                raise NotWritten() from error  # it never reached the action server
            raise
