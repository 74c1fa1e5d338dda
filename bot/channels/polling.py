"""Long polling: fetch, store, and only then confirm (the next getUpdates' offset).

A 429 waits the ``retry_after`` it gives; a 409 Conflict (a webhook set elsewhere, or a
second process polling with this token) is explained once, with what to do, not logged on
every poll; a rejected token ends the process with a message that does not hold it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.channels.calls import TOKEN_REJECTED, Backoff, Sleep
from bot.channels.platform import Platform, RawUpdate
from scheduler.transport import Conflict, RetryAfter, Unauthorized

log = logging.getLogger("giamngheo.channels")
CONFLICT = ("polling is refused (409 Conflict): a webhook is set for this bot, or another "
            "process polls with the same token. Run one `giamngheo run` per bot and "
            "platform: stop the other process, or run this one with --webhook URL; a webhook "
            "set by another deployment is removed with deleteWebhook (this process removed "
            "one at start-up). Polling is retried meanwhile; this is said once.")


class Poller:
    def __init__(self, platform: Platform, store: Callable[[list[RawUpdate]], Awaitable[None]],
                 timeout: int, backoff: Backoff, on_fatal: Callable[[str], None],
                 sleep: Sleep = asyncio.sleep) -> None:
        self.platform, self.store, self.timeout = platform, store, timeout
        self.backoff, self.on_fatal, self.sleep = backoff, on_fatal, sleep
        self.conflict_told = False
        self.refused = False  # the token was rejected: no more polling

    async def run(self) -> None:
        offset: int | None = None
        while not self.refused:
            batch = await self._poll(offset)
            if batch:
                await self.store(batch)  # returns once stored: only then confirmed
                offset = self.platform.next_offset(batch, offset)

    async def _poll(self, offset: int | None) -> list[RawUpdate] | None:
        """One getUpdates; None after a failure (already waited for)."""
        try:
            batch = await self.platform.poll(offset, self.timeout)
        except RetryAfter as exc:
            log.warning("getUpdates: too many requests; waiting %.1f s as the platform asks",
                        exc.seconds)
            await self.sleep(exc.seconds)
            return None
        except Conflict:
            if not self.conflict_told:
                log.warning(CONFLICT)
                self.conflict_told = True
            await self.sleep(self.backoff.next())
            return None
        except Unauthorized:
            self.refused = True
            self.on_fatal(TOKEN_REJECTED)
            return None
        except Exception as exc:
            log.warning("polling failed: %s", type(exc).__name__)
            await self.sleep(self.backoff.next())
            return None
        self.backoff.reset()
        if self.conflict_told:
            log.warning("polling works again (the conflict is over)")
            self.conflict_told = False
        return batch
