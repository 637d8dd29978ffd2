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

import asyncio
import contextvars
import json
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
    TypeVar,
    cast,
)

import psycopg2
from psycopg2.extras import execute_values
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.conversation import Dialogue
from rasa.shared.core.events import Event, SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import func

from bot.chat.redaction import closes_a_form, redact
from bot.chat.replays import AlreadyAnswered, raise_if_answered

_T = TypeVar("_T")


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

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        raise_if_answered(sender_id, self.store.get(sender_id) or ())
        return await super().retrieve(sender_id)

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


class ConversationsUnavailable(Exception):
    """The conversations' database failed: the turn cannot go on (the channel says so)."""


def fail_loudly(error: Exception) -> None:
    """For Rasa's FailSafeTrackerStore, which otherwise answers from an empty in-memory store
    without a word when the database fails: the visitor's next message would start a blank
    conversation. Raised from there, the failure reaches the channel, which tells the
    visitor (bot/chat/channels.py). A message answered before is no failure: it goes on to
    the channel as it is."""
    if isinstance(error, AlreadyAnswered):
        raise error
    raise ConversationsUnavailable(type(error).__name__) from error


class RedactingSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tables, with a replica-local cache written through to them; when a
    message's events end a form run, the stored rows of that run are rewritten without its
    details.

    Why the cache: Rasa's SQL store reads the whole session back and parses every event's
    JSON on each message, then counts the stored events twice before appending each new one
    in its own INSERT: on PostgreSQL that took the throughput at 20 concurrent conversations
    from 66 to 37 messages a second (docs/benchmarks.md). Here each replica keeps the current
    session's events as objects, with their row ids. Every message asks PostgreSQL one
    question first, the id of the conversation's newest row: when it is the one this replica
    wrote last, the cached events are the stored ones; otherwise (another replica served the
    conversation while this one was unhealthy, it was deleted, or it was never here) the
    session is read again. The new events go out in one INSERT before Rasa answers, so a
    replica that dies loses nothing. The answer stays correct without affinity; the proxy's
    conversation-affine routing (bot/production_local.py, deploy/haproxy.cfg) only keeps the
    cache warm. Rasa's lock store holds the conversation between this check and the write.

    Each message costs two round trips to PostgreSQL: the question and the INSERT (a form's
    end adds the rewrite). They run on the driver's connection in autocommit, each a single
    statement, atomic by itself: no BEGIN, COMMIT or the pool's ROLLBACK around them, and none
    of SQLAlchemy's statement building. They also run in
    worker threads, as many as the pool holds connections: in the event loop the driver's
    wait for PostgreSQL stalled every conversation of the server; off it, the server goes on
    with other conversations while PostgreSQL works on another core. The cache is only
    touched from the loop.

    The first question is also what finds connections that died with a database restart: the
    first one found dead makes the engine drop its pool, and it is asked once more on a new
    connection (cheaper than testing every connection at each checkout).
    """

    def __init__(self, *args: Any, cache_size: int = 1000, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A failed statement's error names its parameters: messages the visitor typed. Rasa
        # creates the engine and offers no option for this.
        self.engine.hide_parameters = True
        # Least recently used last; bounded, as a replica serves many conversations a day.
        self._sessions: OrderedDict[str, _CachedSession] = OrderedDict()
        self._cache_size = int(cache_size)
        table = self.SQLEvent.__table__.name
        self._insert = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES %s RETURNING id"
        self._newest = f"SELECT max(id) FROM {table} WHERE sender_id = %s"
        self._rewrite = (
            f"UPDATE {table} SET data = v.data, intent_name = v.intent"
            f" FROM (VALUES %s) AS v (id, data, intent) WHERE {table}.id = v.id"
        )
        self._threads = ThreadPoolExecutor(self.engine.pool.size(), "tracker-store")

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        newest = await self._db(self._newest_id, sender_id)
        cached = self._sessions.get(sender_id)
        if cached is None or (cached.ids[-1] if cached.ids else None) != newest:
            loaded = await self._db(self._load, sender_id) if newest is not None else None
            cached = loaded or _EMPTY
        self._remember(sender_id, cached)
        raise_if_answered(sender_id, cached.events)
        return _tracker(self, sender_id, cached.events) if cached.events else None

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        sender_id = tracker.sender_id
        events = list(tracker.events)
        # The cache was checked against the database when Rasa retrieved this tracker,
        # under the conversation's lock, and the tracker was built from its events. Any
        # other tracker is taken as Rasa's SQL store takes it: its first events are the
        # ones stored, and the rest new; what is stored is then read back.
        cached = self._sessions.pop(sender_id, None)
        built_from_cache = cached is not None and _starts_with(events, cached.events)
        stored = cached if built_from_cache else await self._db(self._load, sender_id)
        stored = stored or _EMPTY
        new = events[len(stored.events) :]
        ids = stored.ids
        if new:
            rows = [_row(sender_id, e) for e in new]
            ids += await self._db(self._append, rows)
        if not (built_from_cache or stored is _EMPTY):
            reread = await self._db(self._load, sender_id) or _EMPTY
            events, ids = list(reread.events), reread.ids
        if closes_a_form(new):
            events = await self._redact(ids, events)
        current = _current_session(list(zip(ids, events, strict=True)))
        if current:
            self._remember(
                sender_id,
                _CachedSession(tuple(e for _, e in current), tuple(row for row, _ in current)),
            )

    async def _db(self, call: Callable[..., _T], *args: Any) -> _T:
        """`call` in one of the store's threads, with the context (the request id) of the turn."""
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(
            self._threads, context.run, call, *args
        )

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        """A cursor on a pooled driver connection in autocommit."""
        connection = self.engine.raw_connection()
        try:
            connection.dbapi_connection.autocommit = True
            with connection.cursor() as cursor:
                yield cursor
            connection.dbapi_connection.autocommit = False
        except Exception as error:
            connection.invalidate(error)  # never back into the pool half-done or dead
            raise
        finally:
            connection.close()

    def _append(self, rows: List[Tuple[Any, ...]]) -> Tuple[int, ...]:
        """The rows written in one statement; their ids, in the order written."""
        with self._cursor() as cursor:
            written = execute_values(cursor, self._insert, rows, fetch=True)
        return tuple(sorted(row for (row,) in written))

    def _newest_id(self, sender_id: str) -> Optional[int]:
        try:
            return self._ask_newest_id(sender_id)
        except psycopg2.Error as error:
            if not _lost_connection(error):
                raise
            self.engine.dispose()  # its other connections died with this one
            return self._ask_newest_id(sender_id)

    def _ask_newest_id(self, sender_id: str) -> Optional[int]:
        with self._cursor() as cursor:
            cursor.execute(self._newest, (sender_id,))
            (newest,) = cursor.fetchone()
        return cast(Optional[int], newest)

    def _load(self, sender_id: str) -> "Optional[_CachedSession]":
        """The current session as stored (what Rasa's SQL store reads back)."""
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, False).all()
        if not rows:
            return None
        events = deserialise_events([json.loads(row.data) for row in rows])
        return _CachedSession(tuple(events), tuple(row.id for row in rows))

    async def _redact(self, ids: Sequence[int], events: List[Event]) -> List[Event]:
        """The events without the details of the form run they end, rewritten in place."""
        redacted = redact(events)
        changed = [
            (row, json.dumps(after.as_dict()), _intent(after.as_dict()))
            for row, before, after in zip(ids, events, redacted, strict=True)
            if after is not before
        ]
        if changed:
            await self._db(self._rewrite_rows, changed)
        return redacted

    def _rewrite_rows(self, rows: List[Tuple[int, str, Optional[str]]]) -> None:
        """In one statement: the form's details are gone from every row or from none."""
        with self._cursor() as cursor:
            execute_values(cursor, self._rewrite, rows)

    def _remember(self, sender_id: str, cached: "_CachedSession") -> None:
        self._sessions[sender_id] = cached
        self._sessions.move_to_end(sender_id)
        while len(self._sessions) > self._cache_size:
            self._sessions.popitem(last=False)

    async def delete(self, sender_id: str) -> None:
        await self._db(self._delete, sender_id)
        self._sessions.pop(sender_id, None)

    def _delete(self, sender_id: str) -> None:
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()

    async def delete_older_than(self, cutoff: float) -> int:
        senders = await self._db(self._delete_older_than, cutoff)
        for sender_id in senders:
            self._sessions.pop(sender_id, None)
        return len(senders)

    def _delete_older_than(self, cutoff: float) -> List[str]:
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
        return senders


def _tracker(store: TrackerStore, sender_id: str, events: Iterable[Event]) -> DialogueStateTracker:
    """A tracker replayed from event objects, sharing them (logged events are immutable)."""
    tracker = store.init_tracker(sender_id)
    tracker.recreate_from_dialogue(Dialogue(sender_id, list(events)))
    return tracker


class _CachedSession(NamedTuple):
    """The events of a conversation's current session, as reading them back would give
    them, and each one's row id (the last: the conversation's newest row)."""

    events: Tuple[Event, ...]
    ids: Tuple[int, ...]


_EMPTY = _CachedSession((), ())


COLUMNS = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")


def _row(sender_id: str, event: Event) -> Tuple[Any, ...]:
    """An event as Rasa's SQL store writes it (COLUMNS), so Rasa's own tools read it."""
    data = event.as_dict()
    return (
        sender_id,
        event.type_name,
        data.get("timestamp"),
        _intent(data),
        data.get("name"),
        json.dumps(data),
    )


def _lost_connection(error: "psycopg2.Error") -> bool:
    """The server closed the connection (it restarted) or cannot be reached."""
    return isinstance(error, (psycopg2.OperationalError, psycopg2.InterfaceError))


def _starts_with(events: List[Event], prefix: Tuple[Event, ...]) -> bool:
    return len(events) >= len(prefix) and all(a is b for a, b in zip(events, prefix, strict=False))


def _intent(data: Dict[str, Any]) -> Optional[str]:
    return data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY)


def _current_session(stored: List[Tuple[int, Event]]) -> List[Tuple[int, Event]]:
    """What Rasa's SQL store reads back as the current session: the events stamped at or
    after the latest session start (all of them when none started)."""
    starts = [e.timestamp for _, e in stored if isinstance(e, SessionStarted)]
    if not starts:
        return stored
    start = max(starts)
    return [(row, e) for row, e in stored if e.timestamp >= start]
