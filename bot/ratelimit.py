"""Rate limits: at most `limit` events per `window` seconds for each key (a sender, a
client address, a user name tried), counted in this process. Keys idle for a window are
forgotten, so memory stays bounded by the traffic of one window.

With several replicas each counts its own share: the limits are a brake on floods and
guessing, not a quota.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from typing import Callable, Deque


class RateLimiter:
    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self._hits: OrderedDict[str, Deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Counts one event for `key`; False when it is over the limit (it is not counted then)."""
        now = self.clock()
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                hits = deque()
                self._hits[key] = hits
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            self._hits.move_to_end(key)
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            self._forget_idle(now)
            return True

    def _forget_idle(self, now: float) -> None:
        while self._hits:
            oldest_key, oldest = next(iter(self._hits.items()))
            if len(self._hits) <= self.max_keys and oldest and oldest[-1] > now - self.window:
                return
            del self._hits[oldest_key]
