"""Flood caps for the chat channels: at most `limit` hits per key in a fixed window.

A fixed window (count per key per window, reset when it ends) lets a burst of at most twice
the limit straddle a boundary, which is fine for caps a real visitor never meets and keeps
each check one Redis round trip. In memory by default (one process); with a Redis URL the
replicas of the production topology share the counts. The `limits` library would do this,
but its releases need a newer `packaging` than Rasa 3.6 pins.

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
from typing import Dict, Optional, Tuple

import redis

logger = logging.getLogger(__name__)

# Checked inside the chat server's event loop: a Redis that hangs must not stall it for long.
REDIS_TIMEOUT_S = 0.5


class FixedWindow:
    def __init__(self, limit: int, window_s: float, redis_url: Optional[str] = None) -> None:
        self.limit = limit
        self.window_s = window_s
        self._redis = (
            redis.Redis.from_url(
                redis_url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S
            )
            if redis_url
            else None
        )
        self._redis_down = False
        self._counts: Dict[str, Tuple[int, int]] = {}  # key -> (window number, hits)

    def hit(self, key: str) -> bool:
        """Count one hit; False when the key is over its limit in this window."""
        window = int(time.time() // self.window_s)
        hits = self._shared_hit(key, window)
        if hits is None:
            hits = self._local_hit(key, window)
        return hits <= self.limit

    def _shared_hit(self, key: str, window: int) -> Optional[int]:
        """The count in Redis, or None without Redis or while it cannot be reached."""
        if self._redis is None:
            return None
        name = f"net-chat-limit:{key}:{window}"
        try:
            pipe = self._redis.pipeline()
            pipe.incr(name)
            pipe.expire(name, int(self.window_s) + 1)
            hits = int(pipe.execute()[0])
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

    def _local_hit(self, key: str, window: int) -> int:
        if len(self._counts) > 100_000:  # drop keys of windows that are over
            self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
        seen, hits = self._counts.get(key, (window, 0))
        hits = hits + 1 if seen == window else 1
        self._counts[key] = (window, hits)
        return hits
