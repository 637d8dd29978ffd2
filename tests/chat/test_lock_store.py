"""The conversation lock against a Redis of the test's own that really stops: a lock that
cannot be taken is an error the channel tells the visitor about, and a lock that cannot be
released after a turn does not fail the turn. The whole topology: tests/e2e/test_faults.py."""

import shutil
import uuid

import pytest
from rasa.utils.endpoints import EndpointConfig

from bot.chat.limits import FixedWindow
from bot.chat.lock_store import LOCK_FAILED, ReleaseSafeRedisLockStore
from tests.utils.ci import require
from tests.utils.databases import PrivateRedis


@pytest.fixture
def private_redis():
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def lock_store(server: PrivateRedis) -> ReleaseSafeRedisLockStore:
    config = EndpointConfig(url="127.0.0.1", port=server.port, db=1, key_prefix="test")
    return ReleaseSafeRedisLockStore(endpoint_config=config)


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
        assert lock.conversation_id == conversation


def test_the_flood_cap_counts_in_the_process_while_redis_is_down(private_redis):
    """Fails open to this process's own count (why: bot/chat/limits.py), shared again once
    Redis is back."""
    window = FixedWindow(3, 3600, f"{private_redis.url}/2")
    key = f"test-{uuid.uuid4().hex}"
    assert window.hit(key)
    private_redis.stop()
    assert [window.hit(key) for _ in range(4)] == [True, True, True, False]
    private_redis.start()
    assert [window.hit(key) for _ in range(4)] == [True, True, True, False]
