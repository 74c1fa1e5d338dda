"""One bot process for the PostgreSQL race test: the real ``Runtime`` (long polling → store →
process → outbox sender) on an offline Telegram platform.

    python -m tests.channels.race_worker DATABASE_URL UPDATES_JSON WORKDIR NAME OTHER

Every worker is handed the same updates (its ``getUpdates`` serves all of them) and plans the
same broadcast (same dedup keys). It writes ``WORKDIR/ready-NAME``, waits for ``WORKDIR/go``
(so both start together), runs until every update is processed and no message is pending,
and records:

- ``WORKDIR/processed-NAME``: one line per update whose replies this process queued;
- ``WORKDIR/sent-NAME``: one JSON line per message this process's transport sent.

A process's first sends wait until the other process holds a claim too, so both senders
really work the outbox at the same time (decided by the database, not by a clock). Exit 0
when done, 2 when the guard time ran out.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from sqlmodel import Session, func, select

from bot.channels.pipeline import RawUpdate
from bot.channels.runtime import Runtime
from bot.channels.telegram_common import TelegramCommon
from bot.core.app import App
from handlers import build_registry
from scheduler.limits import Limits
from scheduler.outbox import Transient
from storage import delivery
from storage.db import make_engine
from storage.models import InboundUpdate, OutboxMessage, OutboxStatus, UpdateStatus
from storage.repo import Store

BROADCAST = 300
BROADCAST_TEXT = "Nhắc lịch #{i}: nộp phiếu khảo sát hộ gia đình trước ngày 15."
FIRST_BROADCAST_CHAT = 8_000_000
BATCH = 50  # updates per getUpdates answer
GUARD_S = 90.0  # a guard against hanging, not a speed requirement
LIMITS = Limits(rate_per_s=100, chat_interval_s=0.0, poll_s=0.05, backoff_s=0.05)


class RacePlatform(TelegramCommon):
    """Telegram's reading and rendering; polling serves a fixed list; sending records."""

    def __init__(self, updates: list[dict[str, Any]], store: Store, name: str, other: str,
                 sent: TextIO) -> None:
        self.updates = sorted(updates, key=lambda u: int(u["update_id"]))
        self.store, self.name, self.other, self.sent = store, name, other, sent
        self.exhausted = False
        self.together = False
        self.successes = 0

    async def start(self) -> None: return None
    async def close(self) -> None: return None
    async def set_webhook(self, url: str, secret: str) -> None: return None
    async def delete_webhook(self) -> None: return None
    async def download(self, ref: str) -> bytes: return b""
    async def set_commands(self, *a: Any) -> None: return None
    async def answer(self, query_id: str) -> None: return None
    async def send_text(self, *a: Any) -> str: raise NotImplementedError
    async def edit(self, *a: Any) -> str: raise NotImplementedError
    async def send_file(self, *a: Any) -> str: raise NotImplementedError
    def error(self, exc: Exception) -> Exception: return exc

    async def poll(self, offset: int | None, timeout: int) -> list[RawUpdate]:
        batch = [self.raw(u) for u in self.updates if int(u["update_id"]) >= (offset or 0)]
        if not batch:
            self.exhausted = True
            await asyncio.sleep(0.05)
        return batch[:BATCH]

    async def send(self, msg: Any) -> str:
        await self._together()
        assert msg.id is not None
        if self.successes and msg.id % 29 == 0 and msg.attempts == 0:
            raise Transient("flaky network")  # released, retried by whichever sender claims it
        await asyncio.sleep(0.001 * (msg.id % 3))
        self.successes += 1
        self.sent.write(json.dumps({"id": msg.id, "chat": msg.chat_id,
                                    "text": msg.payload.get("text"), "by": self.name}) + "\n")
        self.sent.flush()
        return f"{self.name}:{msg.id}"

    async def _together(self) -> None:
        """Send nothing until the other process holds a claim as well."""
        while not self.together:
            self.together = await asyncio.to_thread(self._other_claimed)
            if not self.together:
                await asyncio.sleep(0.01)

    def _other_claimed(self) -> bool:
        with Session(self.store.engine) as s:
            return bool(s.exec(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.claimed_by == self.other)).one())


def plan_broadcast(store: Store) -> None:
    """Every process plans the same reminders; the dedup keys keep one of each."""
    now = datetime.now(UTC)
    with store.session() as s:
        for i in range(BROADCAST):
            delivery.enqueue(s, "telegram", str(FIRST_BROADCAST_CHAT + i),
                             [{"kind": "text", "text": BROADCAST_TEXT.format(i=i)}],
                             now=now, priority=2, dedup_key=f"broadcast:{i}")


def settled(store: Store, expected: int) -> bool:
    with store.session() as s:
        def count(model: Any, *where: Any) -> int:
            return int(s.exec(select(func.count()).select_from(model).where(*where)).one())

        return (count(InboundUpdate) == expected
                and count(InboundUpdate, InboundUpdate.status == UpdateStatus.PENDING) == 0
                and count(OutboxMessage, OutboxMessage.status == OutboxStatus.PENDING) == 0)


async def wait_for_go(work: Path, name: str) -> None:
    (work / f"ready-{name}").touch()
    while not (work / "go").exists():
        await asyncio.sleep(0.001)


async def run(url: str, updates: list[dict[str, Any]], work: Path, name: str,
              other: str) -> int:
    store = Store(make_engine(url))  # the test made the schema
    processed = (work / f"processed-{name}").open("w")
    sent = (work / f"sent-{name}").open("w")

    def on_queued(update_id: str) -> None:
        processed.write(update_id + "\n")
        processed.flush()

    platform = RacePlatform(updates, store, name, other, sent)
    runtime = Runtime(App(store, build_registry()), platform, LIMITS, poll_timeout=1,
                      on_queued=on_queued)
    runtime.sender.name = name
    await wait_for_go(work, name)
    await asyncio.to_thread(plan_broadcast, store)
    await runtime.start()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + GUARD_S
    done = False
    try:
        while loop.time() < deadline:
            if platform.exhausted and await asyncio.to_thread(settled, store, len(updates)):
                done = True
                break
            await asyncio.sleep(0.05)
    finally:
        await runtime.stop()
        processed.close()
        sent.close()
        store.engine.dispose()
    print(json.dumps(runtime.sender.stats), flush=True)
    return 0 if done else 2


def main() -> None:
    url, updates_file, work, name, other = sys.argv[1:6]
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    updates = json.loads(Path(updates_file).read_text(encoding="utf-8"))
    sys.exit(asyncio.run(run(url, updates, Path(work), name, other)))


if __name__ == "__main__":
    main()
