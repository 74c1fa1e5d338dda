"""Platform calls other than sends (start-up, polling, answering a press, downloads), made
patiently: a 429 waits the ``retry_after`` it gives, a transient failure a growing delay;
what retrying cannot mend (a rejected token, a refused request) is raised at once."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from scheduler.transport import RetryAfter, Transient

log = logging.getLogger("giamngheo.channels")
T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
TOKEN_REJECTED = ("giamngheo run: the platform rejected the bot's token (wrong, or revoked); "
                  "check GIAMNGHEO_TELEGRAM_TOKEN or GIAMNGHEO_ZALO_TOKEN")


class Backoff:
    """first, 2×first, 4×first… up to ``most`` seconds (with a little jitter); ``reset``
    after a success."""

    def __init__(self, first: float = 0.5, most: float = 30.0) -> None:
        self.first, self.most, self.failures = first, most, 0

    def next(self) -> float:
        delay = min(self.most, self.first * 2 ** self.failures)
        self.failures += 1
        return delay * random.uniform(0.9, 1.1)

    def reset(self) -> None:
        self.failures = 0


async def patiently(call: Callable[[], Awaitable[T]], what: str, *,
                    tries: int | None = None, backoff: Backoff | None = None,
                    sleep: Sleep = asyncio.sleep) -> T:
    """``call()`` until it answers (at most ``tries`` times; None: until it does).

    ``what`` names the call for the log (a method name: never a URL, never content)."""
    backoff = backoff or Backoff()
    attempt = 0
    while True:
        attempt += 1
        try:
            return await call()
        except RetryAfter as exc:
            if tries is not None and attempt >= tries:
                raise
            log.warning("%s: too many requests; waiting %.1f s as the platform asks", what,
                        exc.seconds)
            await sleep(exc.seconds)
        except Transient as exc:
            if tries is not None and attempt >= tries:
                raise
            delay = backoff.next()
            log.warning("%s failed (%s); retrying in %.1f s", what, type(exc).__name__, delay)
            await sleep(delay)
