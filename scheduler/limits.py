"""Send limits of a channel and the pacing that keeps a sender within them.

Two rules, so that network jitter can never make the platform count too many:

- *spacing*: one send every ``1/rate`` seconds; a sender that fell a little behind (at most
  ``CATCH_UP`` seconds) may close the gap, a longer stall is not made up;
- *window*: at most ``floor(rate) + 1`` messages that the platform may count in one second.
  A message counts from the moment it is sent until one second after its answer came back
  (the platform saw it somewhere in between), so whatever the delays, no one-second window
  on the platform's side holds more. Per chat likewise: the next message to a chat leaves
  ``chat_interval_s`` after the previous one was answered.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Sleep = Callable[[float], Awaitable[None]]
Monotonic = Callable[[], float]
CATCH_UP = 0.1  # seconds of lateness a sender may make up by sending a little faster
POLL = 0.01  # when every counted message is still in flight, look again this soon


@dataclass(frozen=True)
class Limits:
    rate_per_s: float = 25.0  # all chats together (Telegram allows about 30)
    chat_interval_s: float = 1.0  # between two messages to one chat
    max_in_flight: int = 8
    lease_s: float = 60.0  # a claim lapses after this; another sender may then take it
    max_attempts: int = 8  # transient failures before a message is given up
    backoff_s: float = 2.0
    backoff_max_s: float = 300.0
    monthly_cap: int | None = None  # e.g. Zalo's free plan; beyond it only replies go out
    poll_s: float = 0.5  # how often to look for work queued by other processes

    @property
    def batch(self) -> int:
        """How many messages a sender holds claimed: about one second's worth."""
        return max(4, int(self.rate_per_s + 0.999))

    @property
    def per_window(self) -> int:
        return int(self.rate_per_s) + 1


class Pacer:
    """Global spacing and window, and per-chat spacing (see the module's docstring)."""

    def __init__(self, limits: Limits, monotonic: Monotonic = time.monotonic,
                 sleep: Sleep = asyncio.sleep) -> None:
        self.interval = 1.0 / limits.rate_per_s
        self.per_window = limits.per_window
        self.chat_interval = limits.chat_interval_s
        self.monotonic, self.sleep = monotonic, sleep
        self.next_slot = 0.0
        self.flying = 0
        self.answered: deque[float] = deque()  # answer times within the last second
        self.chat_ready: dict[str, float] = {}

    def wait_time(self) -> float:
        """Seconds until the next send may leave (0: now)."""
        now = self.monotonic()
        while self.answered and self.answered[0] <= now - 1.0:
            self.answered.popleft()
        wait = self.next_slot - now
        if self.flying + len(self.answered) >= self.per_window:
            wait = max(wait, self.answered[0] + 1.0 - now if self.answered else POLL)
        return max(0.0, wait)

    async def slot(self) -> None:
        """Wait until a send may leave (does not take the slot: ``start`` does)."""
        while (wait := self.wait_time()) > 0:
            await self.sleep(wait)

    def start(self) -> None:
        now = self.monotonic()
        self.next_slot = max(self.next_slot, now - CATCH_UP) + self.interval
        self.flying += 1

    def finished(self, chat_id: str | None) -> None:
        """The platform answered (or the send failed); ``chat_id`` None: no chat spacing."""
        now = self.monotonic()
        self.flying = max(0, self.flying - 1)
        self.answered.append(now)
        if chat_id is not None:
            self.chat_ready[chat_id] = now + self.chat_interval
        if len(self.chat_ready) > 10_000:  # forget chats that are free again
            self.chat_ready = {c: t for c, t in self.chat_ready.items() if t > now}

    def chat_free(self, chat_id: str) -> bool:
        return self.chat_ready.get(chat_id, 0.0) <= self.monotonic()

    def chat_wait(self, chat_id: str) -> float:
        return max(0.0, self.chat_ready.get(chat_id, 0.0) - self.monotonic())
