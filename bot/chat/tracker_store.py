"""The tracker stores: in memory for the local topology (`make run`, tests, benchmarks), and
PostgreSQL for production (deploy/endpoints.production.yml). Both take a finished callback
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
from typing import Any, Optional, Tuple

from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.conversation import Dialogue
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import func, text
from sqlalchemy.exc import SQLAlchemyError

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
        tracker = self.init_tracker(sender_id)
        tracker.recreate_from_dialogue(Dialogue(sender_id, list(serialised_tracker)))
        return tracker

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
    """Rasa's SQL store, which appends each message's new events; when they end a form run,
    the stored rows of that run are rewritten without its details.

    When the database fails, Rasa's agent falls back to an empty in-memory store without a
    word (FailSafeTrackerStore), and the visitor's next message would start a blank
    conversation. `reachable` lets the channel see that first and say so instead.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Test each pooled connection before use, so connections that died with a database
        # restart are replaced instead of failing the visitor's next message (Rasa creates
        # the engine itself and offers no option for this).
        self.engine.pool._pre_ping = True

    def reachable(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    async def save(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            stored = self._event_query(session, tracker.sender_id, False).count()
        await super().save(tracker)
        if closes_a_form(list(tracker.events)[stored:]):
            self._redact_stored(tracker.sender_id)

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
            return len(senders)
