"""Flood control per conversation: a user sending 100 messages a second slows only
themselves. A token bucket per chat (in memory: it protects this process, not a record),
timed by when the person sent each message where the platform says so: a backlog processed
after a restart is not a flood."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class FloodGate:
    burst: int = 8  # messages accepted at once
    per_second: float = 1.0  # sustained rate
    clock: Callable[[], float] = time.time  # seconds, comparable to a message's date
    _buckets: dict[str, tuple[float, float, bool]] = field(default_factory=dict)

    def admit(self, key: str, at: float | None = None) -> tuple[bool, bool]:
        """(accepted, warn): ``warn`` is True once per flood, so the user is told once.
        ``at``: when the message was sent (epoch seconds), else now."""
        now = self.clock() if at is None else at
        tokens, last, warned = self._buckets.get(key, (float(self.burst), now, False))
        tokens = min(float(self.burst), tokens + max(0.0, now - last) * self.per_second)
        now = max(now, last)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now, False)
            return True, False
        self._buckets[key] = (tokens, now, True)
        if len(self._buckets) > 100_000:  # forget idle chats
            self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 60}
        return False, not warned
