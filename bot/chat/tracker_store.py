"""The tracker stores: in memory for the local topology (`make run`, tests, benchmarks), and
PostgreSQL behind a replica-local cache for production (deploy/endpoints.production.yml).
Both take a finished callback
form's details out of the stored conversation (bot/chat/redaction.py) and can delete a
conversation, or every one idle since a time, for deletion requests and retention.

In memory: Rasa's InMemoryTrackerStore writes every conversation out as JSON after each
message and parses it back on the next. Parsing looks up each event's class by walking the
whole Event subclass tree, once per event: under load that was a tenth of the Rasa server's
CPU (py-spy, docs/benchmarks.md). This store keeps the logged events themselves. Rasa treats
logged events as immutable and shares them between trackers itself (`tracker.copy()`), so
rebuilding a tracker from the same objects gives what the JSON round trip gave.
"""

import json
from collections import OrderedDict
from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Tuple

from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.conversation import Dialogue
from rasa.shared.core.events import Event, SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import bindparam, func, select, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from bot.chat.redaction import closes_a_form, redact


class EventTrackerStore(InMemoryTrackerStore):
    """In-memory conversations held as event objects instead of JSON text."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        events = list(tracker.events)
        stored = len(self.store.get(tracker.sender_id) or ())
        # Only a message that ends a form run has anything to take out: no work on the others.
        # (A tracker of a new session holds fewer events than were stored: read them all.)
        if closes_a_form(events[stored:] if stored <= len(events) else events):
            events = redact(events)
        self.store[tracker.sender_id] = tuple(events)

    def deserialise_tracker(
        self, sender_id: str, serialised_tracker: Tuple[Event, ...]
    ) -> Optional[DialogueStateTracker]:
        return _tracker(self, sender_id, serialised_tracker)

    async def delete(self, sender_id: str) -> None:
        self.store.pop(sender_id, None)

    async def delete_older_than(self, cutoff: float) -> int:
        """Delete the conversations whose last event is before `cutoff` (a UNIX time)."""
        idle = [
            s for s, events in self.store.items() if not events or events[-1].timestamp < cutoff
        ]
        for sender_id in idle:
            del self.store[sender_id]
        return len(idle)


class RedactingSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tables, with a replica-local cache written through to them; when a
    message's events end a form run, the stored rows of that run are rewritten without its
    details.

    Why the cache: Rasa's SQL store reads the whole session back and parses every event's
    JSON on each message, then counts the stored events twice before appending each new one
    in its own INSERT: on PostgreSQL that took the throughput at 20 concurrent conversations
    from 66 to 37 messages a second (docs/benchmarks.md). Here each replica keeps the current
    session's events as objects. Every message asks PostgreSQL one question first, the id of
    the conversation's newest row: when it is the one this replica wrote last, the cached
    events are the stored ones; otherwise (another replica served the conversation while this
    one was unhealthy, it was deleted, or it was never here) the session is read again. The
    new events go out in one INSERT before Rasa answers, so a replica that dies loses nothing.
    The answer stays correct without affinity; the proxy's conversation-affine routing
    (bot/production_local.py, deploy/haproxy.cfg) only keeps the cache warm. Rasa's lock
    store holds the conversation between this check and the write.

    When the database fails, Rasa's agent falls back to an empty in-memory store without a
    word (FailSafeTrackerStore), and the visitor's next message would start a blank
    conversation. `reachable` lets the channel see that first and say so instead.
    """

    def __init__(self, *args: Any, cache_size: int = 1000, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A failed statement's error names its parameters: messages the visitor typed. Rasa
        # creates the engine and offers no option for this.
        self.engine.hide_parameters = True
        # Least recently used last; bounded, as a replica serves many conversations a day.
        self._sessions: OrderedDict[str, _CachedSession] = OrderedDict()
        self._cache_size = int(cache_size)
        events = self.SQLEvent.__table__
        self._insert = events.insert()
        self._newest = select(func.max(events.c.id)).where(events.c.sender_id == bindparam("s"))

    def reachable(self) -> bool:
        """Asked before every message. It is also what replaces the pool's connections
        after a database restart: the first one found dead makes SQLAlchemy discard them
        all, and the check tries once more on a new one (cheaper than testing every
        connection at every checkout, which cost three round trips a message)."""
        for attempt in range(2):
            try:
                with self.engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
                return True
            except DBAPIError as error:
                if not error.connection_invalidated or attempt:
                    return False
            except SQLAlchemyError:
                return False
        return False

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        with self.engine.connect() as connection:
            newest = connection.execute(self._newest, {"s": sender_id}).scalar()
        cached = self._sessions.get(sender_id)
        if newest is None:
            self._sessions.pop(sender_id, None)
            return None
        if cached is None or cached.newest_id != newest:
            with self.session_scope() as session:
                rows = self._event_query(session, sender_id, False).all()
            events = deserialise_events([json.loads(row.data) for row in rows])
            cached = _CachedSession(tuple(events), newest)
        self._remember(sender_id, cached)
        return _tracker(self, sender_id, cached.events)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        sender_id = tracker.sender_id
        events = list(tracker.events)
        cached = self._sessions.pop(sender_id, None)
        # The cache was checked against the database when Rasa retrieved this tracker,
        # under the conversation's lock; without it, count as Rasa does.
        if cached is not None:
            stored = len(cached.events)
        else:
            with self.session_scope() as session:
                stored = self._event_query(session, sender_id, False).count()
        new = events[stored:]
        with self.engine.begin() as connection:
            if new:
                connection.execute(self._insert, [_row(sender_id, e) for e in new])
            newest = connection.execute(self._newest, {"s": sender_id}).scalar()
        if closes_a_form(new):
            self._redact_stored(sender_id)
            events = redact(events)
        if newest is not None:
            self._remember(sender_id, _CachedSession(tuple(_current_session(events)), newest))

    def _remember(self, sender_id: str, cached: "_CachedSession") -> None:
        self._sessions[sender_id] = cached
        self._sessions.move_to_end(sender_id)
        while len(self._sessions) > self._cache_size:
            self._sessions.popitem(last=False)

    def _redact_stored(self, sender_id: str) -> None:
        with self.session_scope() as session:
            rows = (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == sender_id)
                .order_by(self.SQLEvent.id)
                .all()
            )
            events = [Event.from_parameters(json.loads(row.data)) for row in rows]
            for row, before, after in zip(rows, events, redact(events), strict=True):
                if after is not before:
                    row.data = json.dumps(after.as_dict())
                    if hasattr(after, "intent_name"):
                        row.intent_name = after.intent_name
            session.commit()

    async def delete(self, sender_id: str) -> None:
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        self._sessions.pop(sender_id, None)

    async def delete_older_than(self, cutoff: float) -> int:
        with self.session_scope() as session:
            idle = (
                session.query(self.SQLEvent.sender_id)
                .group_by(self.SQLEvent.sender_id)
                .having(func.max(self.SQLEvent.timestamp) < cutoff)
            )
            senders = [sender_id for (sender_id,) in idle.all()]
            if senders:
                session.query(self.SQLEvent).filter(self.SQLEvent.sender_id.in_(senders)).delete(
                    synchronize_session=False
                )
            session.commit()
        for sender_id in senders:
            self._sessions.pop(sender_id, None)
        return len(senders)


def _tracker(store: TrackerStore, sender_id: str, events: Iterable[Event]) -> DialogueStateTracker:
    """A tracker replayed from event objects, sharing them (logged events are immutable)."""
    tracker = store.init_tracker(sender_id)
    tracker.recreate_from_dialogue(Dialogue(sender_id, list(events)))
    return tracker


class _CachedSession(NamedTuple):
    """The events of a conversation's current session, as reading them back would give
    them, and the id of the conversation's newest stored row when they were cached."""

    events: Tuple[Event, ...]
    newest_id: int


def _row(sender_id: str, event: Event) -> Dict[str, Any]:
    """An event as Rasa's SQL store writes it, so Rasa's own tools read these tables."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


def _current_session(events: List[Event]) -> List[Event]:
    """What Rasa's SQL store reads back as the current session: the events stamped at or
    after the latest session start (all of them when none started)."""
    starts = [e.timestamp for e in events if isinstance(e, SessionStarted)]
    if not starts:
        return events
    start = max(starts)
    return [e for e in events if e.timestamp >= start]
