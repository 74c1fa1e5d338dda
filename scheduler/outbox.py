"""The outbox sender: the one place that sends, within each platform's limits.

Every push is already in ``OutboxMessage`` when a sender claims it (with a lease), sends it
through a ``Transport`` and marks it sent with the platform's message id. A 429 pauses every
sender of the channel (``ChannelPause``) for its ``retry_after``; transient errors are retried
with backoff; a user who blocked the bot is final and marked unreachable. Replies (priority 0)
go before anything claimed for a broadcast. Neither platform takes an idempotency key: a send
that went out but got no answer (``Unsure``) is repeated once, and the repeat is recorded
before it leaves, so no message is sent a third time (not even across a crash). A crash
between sending and marking can repeat only the messages in flight at that moment.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from bot.base.clock import aware, utcnow
from scheduler.limits import Limits, Monotonic, Pacer, Sleep
from scheduler.transport import Blocked, Rejected, RetryAfter, Transient, Transport, Unsure
from storage import delivery
from storage.models import OutboxMessage
from storage.repo import Store

__all__ = ["Blocked", "Rejected", "RetryAfter", "Sender", "Transient", "Transport", "Unsure"]
UNANSWERED = "sent twice without an answer; not sent again"
log = logging.getLogger("giamngheo.outbox")
T = TypeVar("T")


class Sender:
    def __init__(self, store: Store, transport: Transport, limits: Limits | None = None, *,
                 name: str | None = None, clock: Callable[[], datetime] = utcnow,
                 monotonic: Monotonic = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        self.store, self.transport = store, transport
        self.channel = transport.channel
        self.limits = limits or Limits()
        self.name = name or f"{self.channel}-{uuid.uuid4().hex[:8]}"
        self.clock, self.sleep = clock, sleep
        self.pacer = Pacer(self.limits, monotonic, sleep)
        self.queue: list[OutboxMessage] = []  # claimed, unsent, best first
        self.busy: set[str] = set()  # chats with a message in flight
        self.pause: datetime | None = None
        self.stats: dict[str, int] = {"sent": 0, "retries_429": 0, "transient": 0,
                                      "failed": 0, "blocked": 0}
        self._wake, self._ready = asyncio.Event(), asyncio.Event()
        self._reply_waiting, self._stopping = False, False
        self._slots = asyncio.Semaphore(self.limits.max_in_flight)
        self._tasks: set[asyncio.Task[None]] = set()
        self._capped_until = 0.0

    def notify(self, reply: bool = False) -> None:
        """New work was queued in this process (a reply jumps the queue)."""
        self._reply_waiting |= reply
        self._wake.set()

    # One pass, no idling (tests, one-shot use) --------------------------------------------

    async def send_due(self) -> int:
        """Claim what is due and send what the limits allow now; returns how many were tried."""
        await self._refill()
        tried = 0
        while not self._paused() and (msg := self._pick()) is not None:
            await self.pacer.slot()
            self._take(msg)
            await self._deliver(msg)
            tried += 1
        return tried

    # The running sender -------------------------------------------------------------------

    async def run(self) -> None:
        """Send until ``stop()``; then finish what is in flight and give back the rest."""
        claimer = asyncio.create_task(self._claimer())
        try:
            await self._dispatcher()
        finally:
            claimer.cancel()
            await asyncio.gather(claimer, return_exceptions=True)
            await self.drain()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        self._ready.set()

    async def drain(self) -> None:
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        ids = [m.id for m in self.queue if m.id is not None]
        self.queue.clear()
        if ids:
            await self._db(lambda s: delivery.release(s, ids, self.clock()))

    async def _claimer(self) -> None:
        while not self._stopping:
            self._wake.clear()  # a wake-up during the refill is kept for the next round
            try:
                await self._refill()
            except Exception as exc:  # the database may be down: try again soon
                log.warning("outbox claim failed: %s", type(exc).__name__)
            await _wait(self._wake, self.limits.poll_s)

    async def _dispatcher(self) -> None:
        while not self._stopping:
            self._ready.clear()
            if self._paused():
                assert self.pause is not None
                await _wait(self._ready, (self.pause - self.clock()).total_seconds())
                continue
            if self._pick() is None:
                await _wait(self._ready, self._idle_wait())
                continue
            await self._slots.acquire()
            await self.pacer.slot()
            msg = self._pick()  # picked now: a reply may have come in the meantime
            if msg is None or self._paused():
                self._slots.release()
                continue
            self._take(msg)
            task = asyncio.create_task(self._deliver(msg))
            self._tasks.add(task)
            task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._slots.release()
        self._ready.set()

    def _idle_wait(self) -> float:
        waits = [self.pacer.chat_wait(m.chat_id) for m in self.queue if m.chat_id not in self.busy]
        return min([w for w in waits if w > 0] or [self.limits.poll_s])

    # Claiming -----------------------------------------------------------------------------

    async def _refill(self) -> None:
        reply, self._reply_waiting = self._reply_waiting, False
        room = self.limits.batch - len(self.queue)
        if not reply and room < self.limits.batch // 2:
            return
        now = self.clock()
        pause = await self._db(lambda s: delivery.paused_until(s, self.channel))
        self.pause = aware(pause) if pause else None
        if self._paused():
            return
        top = 0 if reply and room < self.limits.batch // 2 else await self._top_priority(now)
        lease = timedelta(seconds=self.limits.lease_s)
        got = await asyncio.to_thread(delivery.claim, self.store.engine, self.channel,
                                      self.name, now, lease, max(room, 4), top)
        if got:
            self.queue = sorted([*self.queue, *got], key=lambda m: (m.priority, m.id or 0))
            self._ready.set()

    async def _top_priority(self, now: datetime) -> int | None:
        """None (all) unless the monthly cap is reached: then replies only."""
        cap = self.limits.monthly_cap
        if cap is None or self.pacer.monotonic() < self._capped_until:
            return None if cap is None else 0
        month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        sent = await self._db(lambda s: delivery.sent_since(s, self.channel, month))
        if sent < cap:
            return None
        log.warning("channel %s reached its monthly cap of %d messages", self.channel, cap)
        self._capped_until = self.pacer.monotonic() + 60
        return 0

    def _pick(self) -> OutboxMessage | None:
        margin = timedelta(seconds=min(5.0, self.limits.lease_s / 4))
        now = self.clock()
        for msg in list(self.queue):
            if msg.claimed_until is not None and aware(msg.claimed_until) - margin < now:
                self.queue.remove(msg)  # the lease is nearly gone: let it lapse, claim again
                continue
            if msg.chat_id not in self.busy and self.pacer.chat_free(msg.chat_id):
                return msg
        return None

    def _take(self, msg: OutboxMessage) -> None:
        self.queue.remove(msg)
        self.busy.add(msg.chat_id)
        self.pacer.start()
        if len(self.queue) < self.limits.batch // 2:
            self._wake.set()

    def _paused(self) -> bool:
        return self.pause is not None and self.clock() < self.pause

    # Sending ------------------------------------------------------------------------------

    async def _deliver(self, msg: OutboxMessage) -> None:
        try:
            await self._attempt(msg)
        except Exception as exc:  # the outcome could not be recorded: the lease will lapse
            log.error("outbox message %s: outcome not recorded (%s)", msg.id, type(exc).__name__)
        finally:
            self.busy.discard(msg.chat_id)

    async def _attempt(self, msg: OutboxMessage) -> None:
        assert msg.id is not None
        msg_id = msg.id
        if msg.uncertain >= 2:  # its one repeat went out already (and was not answered)
            self.pacer.finished(None)
            self.stats["failed"] += 1
            await self._db(lambda s: delivery.mark_failed(s, msg, UNANSWERED, False))
            return
        if msg.uncertain:  # the platform may have it: one repeat, recorded before it leaves
            await self._db(lambda s: delivery.note_unsure(s, msg_id, 2))
            msg.uncertain = 2
        try:
            platform_id = await self.transport.send(msg)
        except BaseException as exc:
            self.pacer.finished(None if msg.payload.get("kind") == "edit" else msg.chat_id)
            await self._failed(msg, exc)
            return
        self.pacer.finished(None if msg.payload.get("kind") == "edit" else msg.chat_id)
        self.stats["sent"] += 1
        await self._db(lambda s: delivery.mark_sent(s, msg_id, platform_id, self.clock()))

    async def _failed(self, msg: OutboxMessage, exc: BaseException) -> None:
        if isinstance(exc, RetryAfter):
            await self._retry_after(msg, exc.seconds)
        elif isinstance(exc, Blocked):
            self.stats["blocked"] += 1
            await self._db(lambda s: delivery.mark_failed(s, msg, "blocked", unreachable=True))
        elif isinstance(exc, Rejected):
            self.stats["failed"] += 1
            reason = str(exc)
            log.warning("outbox message %s rejected: %s", msg.id, reason)
            await self._db(lambda s: delivery.mark_failed(s, msg, reason, unreachable=False))
        elif isinstance(exc, Exception):  # Transient, or anything unexpected: retry later
            await self._retry_later(msg, exc)
        else:  # cancelled: the lease will lapse and another try will come
            raise exc

    async def _retry_after(self, msg: OutboxMessage, seconds: float) -> None:
        self.stats["retries_429"] += 1
        until = self.clock() + timedelta(seconds=seconds)
        self.pause = max(self.pause, until) if self.pause else until
        log.warning("channel %s paused for %.1f s (429)", self.channel, seconds)
        ids = [m.id for m in [msg, *self.queue] if m.id is not None]
        self.queue.clear()

        def record(s: Any) -> None:
            delivery.pause_channel(s, self.channel, until)
            delivery.release(s, ids, until, error="429")
            if msg.uncertain and msg.id is not None:  # the repeat was refused, not sent
                delivery.note_unsure(s, msg.id, 1)

        await self._db(record)

    async def _retry_later(self, msg: OutboxMessage, exc: Exception) -> None:
        error = type(exc).__name__ + (f": {exc}" if isinstance(exc, Transient) else "")
        unsure = isinstance(exc, Unsure)
        if msg.attempts + 1 >= self.limits.max_attempts or (unsure and msg.uncertain):
            error = UNANSWERED if unsure and msg.uncertain else error
            self.stats["failed"] += 1
            await self._db(lambda s: delivery.mark_failed(s, msg, error, unreachable=False))
            return
        self.stats["transient"] += 1
        delay = min(self.limits.backoff_max_s, self.limits.backoff_s * 2 ** msg.attempts)
        when = self.clock() + timedelta(seconds=delay * random.uniform(0.8, 1.2))
        later = [m for m in self.queue if m.chat_id == msg.chat_id]  # keep the chat's order
        self.queue = [m for m in self.queue if m.chat_id != msg.chat_id]
        assert msg.id is not None
        first = [msg.id]
        rest = [m.id for m in later if m.id is not None]

        def record(s: Any) -> None:
            # not answered, or (a repeat that did not get through) perhaps sent once before
            delivery.release(s, first, when, error, attempt=True,
                             uncertain=1 if unsure or msg.uncertain else None)
            delivery.release(s, rest, when)

        await self._db(record)

    async def _db(self, work: Callable[[Any], T], tries: int = 5) -> T:
        """One short transaction in a worker thread, retried while the database is away."""
        for attempt in range(tries):
            try:
                return await asyncio.to_thread(self._in_session, work)
            except Exception as exc:
                if attempt == tries - 1:
                    raise
                log.warning("outbox database write failed (%s); retrying", type(exc).__name__)
                await asyncio.sleep(0.2 * 2 ** attempt)
        raise AssertionError("unreachable")

    def _in_session(self, work: Callable[[Any], T]) -> T:
        with self.store.session() as session:
            return work(session)


async def _wait(event: asyncio.Event, timeout: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout=max(0.0, timeout))
