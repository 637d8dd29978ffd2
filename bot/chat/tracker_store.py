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
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
    TypeVar,
    cast,
)

import asyncpg
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.conversation import Dialogue
from rasa.shared.core.events import Event, SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import func

from bot.chat.redaction import closes_a_form, redact
from bot.chat.replays import AlreadyAnswered, raise_if_answered

_T = TypeVar("_T")

# A statement, or a connection to the database, that takes longer fails the turn.
STATEMENT_TIMEOUT_S = 10.0
# The server closed the connection (it restarted) or cannot be reached.
LOST_CONNECTION = (asyncpg.PostgresConnectionError, asyncpg.InterfaceError, OSError)


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
    end adds the rewrite). They run on the event loop, with asyncpg: each a single
    statement in autocommit, atomic by itself (no BEGIN, COMMIT or ROLLBACK around them),
    prepared once per connection. Through a synchronous driver they cost either the whole
    server's wait (on the loop) or, in worker threads, a hand-over of Python's interpreter
    lock to the thread and back for every statement: on 2 busy cores those hand-overs took
    a fifth of the server's throughput (docs/benchmarks.md). Reading a whole session back
    and deleting, both rare, stay on Rasa's SQLAlchemy engine, in a thread.

    The first question is also what finds connections that died with a database restart: the
    first one found dead makes the pool reconnect all of them, and it is asked once more
    (cheaper than testing every connection at each checkout). Every statement gives up after
    STATEMENT_TIMEOUT_S, so a database that hangs fails the turn instead of holding it.
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
        # One row per array element: any number of rows in one prepared statement.
        self._insert = (
            f"INSERT INTO {table} ({', '.join(COLUMNS)}) SELECT * FROM unnest("
            "$1::varchar[], $2::varchar[], $3::float8[], $4::varchar[], $5::varchar[], $6::text[]"
            ") RETURNING id"
        )
        self._newest = f"SELECT max(id) FROM {table} WHERE sender_id = $1"
        self._rewrite = (
            f"UPDATE {table} SET data = v.data, intent_name = v.intent"
            " FROM unnest($1::int8[], $2::text[], $3::varchar[]) AS v (id, data, intent)"
            f" WHERE {table}.id = v.id"
        )
        self._threads = ThreadPoolExecutor(1, "tracker-store")
        self._pool: Optional[asyncpg.Pool] = None
        self._pool_loop: Optional[asyncio.AbstractEventLoop] = None

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        newest = await self._newest_id(sender_id)
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
            ids += await self._append([_row(sender_id, e) for e in new])
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
        """`call` on Rasa's engine in the store's thread, with the context (the request id)
        of the turn."""
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(
            self._threads, context.run, call, *args
        )

    async def _connections(self) -> asyncpg.Pool:
        """The pool of this event loop (a test may run several loops, one after another)."""
        loop = asyncio.get_running_loop()
        if self._pool is None or self._pool_loop is not loop:
            url = self.engine.url.set(drivername="postgresql")
            self._pool = await asyncpg.create_pool(
                url.render_as_string(hide_password=False),
                min_size=1,
                max_size=self.engine.pool.size(),
                timeout=STATEMENT_TIMEOUT_S,
                command_timeout=STATEMENT_TIMEOUT_S,
                reset=_nothing_to_reset,
            )
            self._pool_loop = loop
        return self._pool

    async def _append(self, rows: List[Tuple[Any, ...]]) -> Tuple[int, ...]:
        """The rows written in one statement; their ids, in the order written."""
        pool = await self._connections()
        written = await pool.fetch(self._insert, *_columns(rows))
        return tuple(sorted(row["id"] for row in written))

    async def _newest_id(self, sender_id: str) -> Optional[int]:
        pool = await self._connections()
        try:
            return cast(Optional[int], await pool.fetchval(self._newest, sender_id))
        except LOST_CONNECTION:
            # Its other connections died with this one, and so did those of Rasa's engine.
            await pool.expire_connections()
            self.engine.dispose()
            return cast(Optional[int], await pool.fetchval(self._newest, sender_id))

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
            # In one statement: the form's details are gone from every row or from none.
            pool = await self._connections()
            await pool.execute(self._rewrite, *_columns(changed))
        return redacted

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


async def _nothing_to_reset(_: asyncpg.Connection) -> None:
    """What asyncpg's pool would do as each statement gives its connection back: a round trip
    to reset session state (locks, cursors, settings) that these statements never leave."""


def _columns(rows: Sequence[Tuple[Any, ...]]) -> List[List[Any]]:
    """Rows as the arrays of their columns, which the statements unnest back into rows."""
    return [list(column) for column in zip(*rows, strict=True)]


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
