"""The conversation lock of the production topology: one message of a conversation at a
time across every Rasa server, in Redis, that survives a server dying while it holds it.

Rasa's RedisLockStore keeps a queue of tickets as JSON under one key, read, changed and
written back by each server without a transaction, and a ticket expires a fixed time after
it was issued, whether its holder is alive or not. Under load with a server killed, a
message retried on the other server waited for the dead ticket to expire, and if its own
ticket expired meanwhile it was never served (the queue empty, "now serving" 0): it hung
until Sanic's response timeout gave the visitor a bare 503. So this store keeps Rasa's
interface (`lock_store.lock(conversation_id)`, which Rasa's agent takes around each turn) and
replaces the mechanism with redis-py's lock: one key set atomically if absent, with a token
that only its holder can release or extend (a Lua script).

- A holder keeps its lock alive every third of TICKET_LOCK_LIFETIME while its turn runs, so a
  long turn keeps it, and a server that dies loses it within one lifetime.
- A message that finds its conversation locked waits, polling, for at most two lifetimes
  (time for a dead holder's lock to lapse, or a live one's turn to end), then fails the way
  a Redis outage fails: LockError, which the channel tells the visitor about (503,
  bot/chat/channels.py) with nothing of the message run. It never hangs.
- Waiters are not queued in order; the widget sends one message at a time and waits for its
  answer, so one conversation rarely has two waiting.
- With Redis down, taking the lock fails before anything of the turn runs. Releasing it after
  a turn that was saved must not fail the turn (the visitor would resend an answered
  message): a failed release is logged, and the key expires on its own.

Redis is called with redis-py's asyncio client: a turn waiting for Redis lets the server go
on with the others (Rasa's client blocks the event loop); the short socket timeout bounds how
long a hung Redis holds one visitor.
"""

import asyncio
import logging
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Optional

import redis
from rasa.core.lock_store import LOCK_LIFETIME, LockError
from rasa.core.lock_store import RedisLockStore as RasaRedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis import asyncio as aioredis
from redis.asyncio.lock import Lock

logger = logging.getLogger(__name__)

# What the channel reads as "the turn could not be locked, so nothing of it ran".
LOCK_FAILED = (LockError, redis.RedisError)
SOCKET_TIMEOUT_S = 1.0
POLL_S = 0.05


class ConversationLockStore(RasaRedisLockStore):
    """`lock_store: type: bot.chat.lock_store.ConversationLockStore` with the keys of Rasa's
    `type: redis` (url, port, db, key_prefix, socket_timeout, ...)."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        config = endpoint_config or EndpointConfig()
        options = {"socket_timeout": SOCKET_TIMEOUT_S, **config.kwargs, **kwargs}
        super().__init__(host=config.url or "localhost", **options)
        self.aio = _asyncio_client(config.url or "localhost", **options)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = POLL_S,
    ) -> AsyncIterator[Lock]:
        lock = self.aio.lock(
            self.key_prefix + conversation_id, timeout=lock_lifetime, thread_local=False
        )
        deadline = time.monotonic() + 2 * lock_lifetime
        while not await lock.acquire(blocking=False):
            if time.monotonic() > deadline:
                raise LockError(f"a conversation stayed locked over {lock_lifetime} s")
            await asyncio.sleep(min(wait_time_in_seconds, POLL_S))
        turn_over = asyncio.Event()
        renewal = asyncio.create_task(_keep_alive(lock, lock_lifetime, turn_over))
        try:
            yield lock
        finally:
            turn_over.set()
            renewal.cancel()
            await asyncio.wait({renewal}, timeout=2 * SOCKET_TIMEOUT_S)
            try:
                await lock.release()
            except redis.RedisError as error:
                logger.warning(
                    "could not release a conversation lock (%s); it expires on its own",
                    type(error).__name__,
                )


async def _keep_alive(lock: Lock, lifetime: float, turn_over: asyncio.Event) -> None:
    """Renews the lock until the turn is over.

    Told by `turn_over` as well as by cancellation: a cancellation that arrives as a Redis
    reply does can be lost inside redis-py 4.6 (the call returns its reply instead), and a
    renewal that missed it kept renewing, and its turn open, forever: seen once in about
    twenty turns that ended while a renewal was on its way.
    """
    while not turn_over.is_set():
        await asyncio.sleep(lifetime / 3)
        if turn_over.is_set():
            return
        try:
            await lock.reacquire()
        except redis.RedisError as error:
            if not turn_over.is_set():
                logger.warning("could not keep a conversation lock (%s)", type(error).__name__)
            return


def _asyncio_client(
    host: str,
    port: int = 6379,
    db: int = 1,
    username: Optional[str] = None,
    password: Optional[str] = None,
    use_ssl: bool = False,
    ssl_certfile: Optional[str] = None,
    ssl_keyfile: Optional[str] = None,
    ssl_ca_certs: Optional[str] = None,
    socket_timeout: float = SOCKET_TIMEOUT_S,
    **_: Any,
) -> "aioredis.Redis[bytes]":
    """The client Rasa's RedisLockStore builds from the same keys, for asyncio."""
    return aioredis.Redis(
        host=host,
        port=int(port),
        db=int(db),
        username=username,
        password=password,
        ssl=use_ssl,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
        ssl_ca_certs=ssl_ca_certs,
        socket_timeout=socket_timeout,
    )
