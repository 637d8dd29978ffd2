"""Flood caps for the chat channels: at most `limit` hits per key in a fixed window.

A fixed window (count per key per window, reset when it ends) lets a burst of at most twice
the limit straddle a boundary, which is fine for caps a real visitor never meets and keeps
each check one Redis round trip. In memory by default (one process); with a Redis URL the
replicas of the production topology share the counts. The `limits` library would do this,
but its releases need a newer `packaging` than Rasa 3.6 pins.
"""

import time
from typing import Dict, Optional, Tuple

import redis


class FixedWindow:
    def __init__(self, limit: int, window_s: float, redis_url: Optional[str] = None) -> None:
        self.limit = limit
        self.window_s = window_s
        self._redis = redis.Redis.from_url(redis_url) if redis_url else None
        self._counts: Dict[str, Tuple[int, int]] = {}  # key -> (window number, hits)

    def hit(self, key: str) -> bool:
        """Count one hit; False when the key is over its limit in this window."""
        window = int(time.time() // self.window_s)
        if self._redis is not None:
            name = f"net-chat-limit:{key}:{window}"
            pipe = self._redis.pipeline()
            pipe.incr(name)
            pipe.expire(name, int(self.window_s) + 1)
            hits = int(pipe.execute()[0])
        else:
            if len(self._counts) > 100_000:  # drop keys of windows that are over
                self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
            seen, hits = self._counts.get(key, (window, 0))
            hits = hits + 1 if seen == window else 1
            self._counts[key] = (window, hits)
        return hits <= self.limit
