"""Flood control per conversation: a user sending 100 messages a second slows only
themselves. A token bucket per chat (in memory: it protects this process, not a record)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class FloodGate:
    burst: int = 8  # messages accepted at once
    per_second: float = 1.0  # sustained rate
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, tuple[float, float, bool]] = field(default_factory=dict)

    def admit(self, key: str) -> tuple[bool, bool]:
        """(accepted, warn): ``warn`` is True once per flood, so the user is told once."""
        now = self.clock()
        tokens, last, warned = self._buckets.get(key, (float(self.burst), now, False))
        tokens = min(float(self.burst), tokens + (now - last) * self.per_second)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now, False)
            return True, False
        self._buckets[key] = (tokens, now, True)
        if len(self._buckets) > 100_000:  # forget idle chats
            self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 60}
        return False, not warned
