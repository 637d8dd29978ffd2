"""A message sent twice is answered once.

A message can reach the assistant twice: the widget resends one whose answer it did not get
(a timeout, a dropped connection), and the proxy resends a request to the other Rasa server
when the first died without answering. Run twice, a turn would take a form's answer twice (the
callback form then reads the phone number as the name's answer's successor, and so on) and
call its actions twice. So the widget gives every message an id and sends the same id again;
the stores, once they hold the stored conversation under its lock, look at the last message
stored, and when it is the one coming in again, the turn stops with the answer it already got
(AlreadyAnswered, which the channel returns). This costs no extra round trip to the database:
the check reads what the turn had to read anyway.

The id travels from the channel to the stores in a context variable, as Rasa's agent and
processor pass only the conversation's id to the store.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Dict, Iterator, List, Optional, Sequence

from rasa.shared.core.events import BotUttered, Event, UserUttered

_incoming: ContextVar[Optional[str]] = ContextVar("incoming_message_id", default=None)

REPLY_FIELDS = ("buttons", "image", "attachment", "custom")


class AlreadyAnswered(Exception):
    def __init__(self, replies: List[Dict[str, Any]]) -> None:
        super().__init__("this message was answered before")
        self.replies = replies


@contextmanager
def incoming(message_id: Optional[str]) -> Iterator[None]:
    """The turn run inside is the answer to the message `message_id`."""
    token = _incoming.set(message_id)
    try:
        yield
    finally:
        _incoming.reset(token)


def raise_if_answered(sender_id: str, stored: Sequence[Event]) -> None:
    """AlreadyAnswered, with the replies it got, if the last message stored is the one
    coming in; nothing otherwise."""
    message_id = _incoming.get()
    if message_id is None:
        return
    replies: List[Dict[str, Any]] = []
    for event in reversed(stored):
        if isinstance(event, UserUttered):
            if event.message_id == message_id:
                raise AlreadyAnswered(replies[::-1])
            return
        if isinstance(event, BotUttered):
            replies.append(_reply(sender_id, event))


def _reply(sender_id: str, event: BotUttered) -> Dict[str, Any]:
    """As Rasa's CollectingOutputChannel gave it the first time."""
    reply: Dict[str, Any] = {"recipient_id": sender_id}
    if event.text:
        reply["text"] = event.text
    reply.update({key: event.data[key] for key in REPLY_FIELDS if event.data.get(key)})
    return reply
