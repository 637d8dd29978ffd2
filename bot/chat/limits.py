"""Flood caps for the chat channels: at most a limit of hits per key in a fixed window.

A fixed window (count per key per window, reset when it ends) lets a burst of at most twice
the limit straddle a boundary, which is fine for caps a real visitor never meets and keeps a
message's checks one Redis round trip, every cap it meets counted in one pipeline. In memory
by default (one process); with a Redis URL the replicas of the production topology share the
counts. The `limits` library would do this, but its releases need a newer `packaging` than
Rasa 3.6 pins.

When Redis cannot be reached, the count fails open to this process's own count rather than
closed. Closed would answer every visitor "you're sending messages too fast", a false reason,
and would also refuse the token and transcript requests, which need no Redis. Wholly open
would leave no cap at all. Counting in the process keeps a cap while Redis is away: each
replica caps on its own, so a flood gets at most the number of replicas times the limit. The
caps guard capacity against floods; they are not an access control whose bypass exposes
anything.
"""

import logging
import time
from typing import Dict, List, Mapping, Optional, Tuple

import redis
from redis import asyncio as aioredis

logger = logging.getLogger(__name__)

# Awaited by every message: a Redis that hangs must not hold a visitor for long.
REDIS_TIMEOUT_S = 0.5


class FixedWindows:
    """Named caps sharing one window length, e.g. per conversation and per client address."""

    def __init__(
        self, limits: Mapping[str, int], window_s: float, redis_url: Optional[str] = None
    ) -> None:
        self.limits = dict(limits)
        self.window_s = window_s
        self._redis = (
            aioredis.Redis.from_url(
                redis_url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S
            )
            if redis_url
            else None
        )
        self._redis_down = False
        self._counts: Dict[str, Tuple[int, int]] = {}  # name:key -> (window number, hits)

    async def hit(self, **keys: str) -> bool:
        """Count one hit on each named cap's key; False when any is over its limit."""
        window = int(time.time() // self.window_s)
        names = [f"{cap}:{key}" for cap, key in keys.items()]
        hits = await self._shared_hits(names, window)
        if hits is None:
            hits = [self._local_hit(name, window) for name in names]
        return all(n <= self.limits[cap] for cap, n in zip(keys, hits, strict=True))

    async def _shared_hits(self, names: List[str], window: int) -> Optional[List[int]]:
        """The counts in Redis, or None without Redis or while it cannot be reached."""
        if self._redis is None:
            return None
        try:
            # INCR is atomic on its own: no MULTI/EXEC around the commands.
            pipe = self._redis.pipeline(transaction=False)
            for name in names:
                key = f"net-chat-limit:{name}:{window}"
                pipe.incr(key)
                pipe.expire(key, int(self.window_s) + 1)
            hits = [int(n) for n in (await pipe.execute())[::2]]
        except redis.RedisError as error:
            if not self._redis_down:
                logger.warning(
                    "flood caps: Redis unreachable (%s), counting in this process until it is back",
                    type(error).__name__,
                )
            self._redis_down = True
            return None
        if self._redis_down:
            logger.info("flood caps: Redis is back, counts are shared again")
            self._redis_down = False
        return hits

    def _local_hit(self, name: str, window: int) -> int:
        if len(self._counts) > 100_000:  # drop keys of windows that are over
            self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
        seen, hits = self._counts.get(name, (window, 0))
        hits = hits + 1 if seen == window else 1
        self._counts[name] = (window, hits)
        return hits
