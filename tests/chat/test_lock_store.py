"""The conversation lock against a Redis of the test's own that really stops: a lock that
cannot be taken is an error the channel tells the visitor about, and a lock that cannot be
released after a turn does not fail the turn. The whole topology: tests/e2e/test_faults.py."""

import asyncio
import shutil
import time
import uuid
from contextlib import suppress

import pytest
from rasa.utils.endpoints import EndpointConfig
from redis.asyncio.lock import Lock

from bot.chat.limits import FixedWindows
from bot.chat.lock_store import LOCK_FAILED, SOCKET_TIMEOUT_S, ConversationLockStore
from tests.utils.ci import require
from tests.utils.databases import PrivateRedis

# Each test takes seconds; one that hangs is the bug these tests are for.
pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def private_redis():
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def lock_store(server: PrivateRedis) -> ConversationLockStore:
    config = EndpointConfig(url="127.0.0.1", port=server.port, db=1, key_prefix="test")
    return ConversationLockStore(endpoint_config=config)


async def test_redis_stopping_during_a_turn_does_not_fail_the_turn(private_redis):
    store = lock_store(private_redis)
    conversation = uuid.uuid4().hex
    async with store.lock(conversation):
        private_redis.stop()  # the turn was saved; only the release is left
    # The next message finds no lock to take, and says so: nothing of it runs.
    with pytest.raises(LOCK_FAILED):
        async with store.lock(conversation):
            pytest.fail("a turn ran without its lock")
    private_redis.start()  # back, empty: the conversation is not held by a stale ticket
    async with store.lock(conversation) as lock:
        assert await lock.owned()


async def test_a_lock_whose_holder_died_lapses_within_its_lifetime(private_redis):
    store = lock_store(private_redis)
    conversation = uuid.uuid4().hex
    # Taken as a server takes it, by one that then dies: nobody renews or releases it.
    assert store.red.lock(store.key_prefix + conversation, timeout=0.5).acquire(blocking=False)
    started = time.monotonic()
    async with store.lock(conversation, lock_lifetime=0.5):
        waited = time.monotonic() - started
    assert 0.3 < waited < 1.0


async def test_a_long_turn_keeps_its_lock_and_a_second_message_waits_for_it(private_redis):
    store = lock_store(private_redis)
    conversation = uuid.uuid4().hex
    order = []

    async def turn(name: str, seconds: float) -> None:
        async with store.lock(conversation, lock_lifetime=0.3):
            order.append(f"{name} starts")
            await asyncio.sleep(seconds)
            order.append(f"{name} ends")

    first = asyncio.create_task(turn("first", 0.5))  # longer than a lifetime: renewed
    await asyncio.sleep(0.05)
    await turn("second", 0)
    await first
    assert order == ["first starts", "first ends", "second starts", "second ends"]


async def test_a_message_waits_two_lifetimes_at_most_and_is_told_so(private_redis):
    store = lock_store(private_redis)
    conversation = uuid.uuid4().hex
    async with store.lock(conversation, lock_lifetime=0.2):
        started = time.monotonic()
        with pytest.raises(LOCK_FAILED):
            async with store.lock(conversation, lock_lifetime=0.2):
                pytest.fail("two turns of one conversation at once")
        assert time.monotonic() - started < 1.0


async def test_the_flood_cap_counts_in_the_process_while_redis_is_down(private_redis):
    """Fails open to this process's own count (why: bot/chat/limits.py), shared again once
    Redis is back."""
    caps = FixedWindows({"client": 3}, 3600, f"{private_redis.url}/2")
    key = f"test-{uuid.uuid4().hex}"
    assert await caps.hit(client=key)
    private_redis.stop()
    assert [await caps.hit(client=key) for _ in range(4)] == [True, True, True, False]
    private_redis.start()
    assert [await caps.hit(client=key) for _ in range(4)] == [True, True, True, False]


async def test_a_turn_ends_when_its_renewal_misses_the_cancellation(private_redis, monkeypatch):
    """redis-py can lose a task's cancellation that arrives with a reply (the call returns
    it): a renewal that then went on renewing held its turn open forever."""
    store = lock_store(private_redis)
    renewing, on_its_way = Lock.reacquire, asyncio.Event()

    async def swallows_cancellation(self):
        on_its_way.set()
        with suppress(asyncio.CancelledError):
            await asyncio.sleep(1)  # the turn ends here
        return await renewing(self)

    monkeypatch.setattr(Lock, "reacquire", swallows_cancellation)
    conversation = uuid.uuid4().hex

    async def turn() -> None:
        async with store.lock(conversation, lock_lifetime=1.5):
            await on_its_way.wait()  # the first renewal, a lifetime's third in

    started = time.monotonic()
    await asyncio.wait_for(turn(), timeout=4 * SOCKET_TIMEOUT_S)
    assert time.monotonic() - started < 2 * SOCKET_TIMEOUT_S
    async with store.lock(conversation) as lock:  # released: free at once
        assert await lock.owned()
