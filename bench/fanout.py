"""Fan-out benchmark: a broadcast through the durable outbox while users keep talking.

    python bench/fanout.py [--messages 3000] [--limit 30] [--rate 29] [--users 10]
                           [--library ptb|aiogram] [--database-url URL] [--postgres URL]

A fake Telegram Bot API server (``tests/channels/fake_remote.py``, in its own process, as
the remote service it stands for) enforces Telegram's limits: ``--limit`` messages in any
one-second window and one a second per chat, answering 429 with ``retry_after`` beyond. The
real bot (python-telegram-bot or aiogram, long polling) sends ``--messages`` queued broadcast
messages with its outbox paced at ``--rate`` (just under the limit), while simulated users
send questions and wait for the answers.

Figures: ``msg_per_s``, every message the server accepted while the broadcast ran (the
limit covers broadcast and replies together); ``lost`` and ``duplicated`` broadcast messages
as the server saw them; ``retries_429``, every 429 the server answered; ``reply_p95_ms``, a
user's message → its reply queued in the outbox; ``reply_sent_p95_ms``, → the reply accepted
by the server. Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from handlers import build_registry

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.channels.runtime import Runtime  # noqa: E402
from bot.core.app import App  # noqa: E402
from scheduler.limits import Limits  # noqa: E402
from storage import delivery  # noqa: E402
from storage.repo import Store  # noqa: E402
from tests.channels.fake_telegram import TOKEN  # noqa: E402

QUESTIONS = ["hộ cận nghèo có được hỗ trợ bảo hiểm y tế không", "/trogiup",
             "vay vốn ngân hàng chính sách", "/start", "ho ngheo duoc ho tro gi",
             "hỗ trợ nhà ở cho hộ nghèo"]
FIRST_CHAT = 9_000_000  # broadcast chats; simulated users are 100, 101, ...
BROADCAST = "Thông báo #{i}: họp thôn lúc 8 giờ sáng Chủ nhật tại nhà văn hoá."


class RemoteFake:
    """The fake server in its own process, like the remote service it stands for."""

    def __init__(self, per_second: int, chat_interval: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.channels.fake_remote", str(per_second),
             str(chat_interval)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        self.root = self.url.removesuffix("/bot")
        self.http: aiohttp.ClientSession | None = None

    async def call(self, method: str, path: str, **kw: Any) -> Any:
        if self.http is None:
            self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        async with self.http.request(method, self.root + path, **kw) as resp:
            return await resp.json()

    async def push(self, update: dict[str, Any]) -> int:
        return int((await self.call("POST", "/_fake/push", json=update))["update_id"])

    async def wait(self, chat: int, after: int) -> int:
        query = {"chat": str(chat), "after": str(after)}
        return int((await self.call("GET", "/_fake/wait", params=query))["count"])

    async def stats(self) -> dict[str, Any]:
        return dict(await self.call("GET", "/_fake/stats"))

    async def close(self) -> None:
        if self.http is not None:
            await self.http.close()
        self.proc.terminate()
        self.proc.wait(10)


def message(user: int, text: str) -> dict[str, Any]:
    sender = {"id": user, "is_bot": False, "first_name": "An", "language_code": "vi"}
    return {"message": {"message_id": random.randrange(10**9), "date": int(time.time()),
                        "from": sender, "chat": {"id": user, "type": "private"},
                        "text": text}}


class Users:
    """People who ask, wait for the answer, think a moment, and ask again."""

    def __init__(self, server: RemoteFake, count: int, seed: int) -> None:
        self.server, self.count, self.rng = server, count, random.Random(seed)
        self.pushed: dict[str, float] = {}  # update id → when the user sent it
        self.queued: dict[str, float] = {}  # update id → when its reply was queued
        self.answered: list[float] = []
        self.running = True

    def on_queued(self, update_id: str) -> None:
        self.queued[update_id] = time.monotonic()

    async def talk(self, user: int) -> None:
        seen = 0
        while self.running:
            start = time.monotonic()
            update_id = await self.server.push(message(user, self.rng.choice(QUESTIONS)))
            self.pushed[str(update_id)] = start
            seen = await self.server.wait(user, seen)
            self.answered.append(time.monotonic() - start)
            await asyncio.sleep(self.rng.uniform(1.0, 2.0))

    def latencies(self) -> list[float]:
        return [self.queued[u] - t for u, t in self.pushed.items() if u in self.queued]


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] * 1000 if values else 0.0
    return statistics.quantiles(values, n=20)[18] * 1000


def make_platform(library: str, url: str) -> Any:
    if library == "aiogram":
        from bot.channels.telegram_aiogram import AiogramTelegram

        return AiogramTelegram(TOKEN, url)
    from bot.channels.telegram_ptb import PtbTelegram

    return PtbTelegram(TOKEN, url)


def queue_broadcast(store: Store, count: int) -> None:
    now = datetime.now(UTC)
    with store.session() as s:
        for i in range(count):
            delivery.enqueue(s, "telegram", str(FIRST_CHAT + i),
                             [{"kind": "text", "text": BROADCAST.format(i=i)}],
                             now=now, priority=2)


def broadcast_seen(stats: dict[str, Any]) -> tuple[list[float], Counter[str]]:
    times = [t for t, chat, _ in stats["accepted"] if int(chat) >= FIRST_CHAT]
    texts: Counter[str] = Counter(text for chat, sent in stats["texts"].items()
                                  if int(chat) >= FIRST_CHAT for text in sent)
    return times, texts


def throughput(stats: dict[str, Any], times: list[float]) -> tuple[float, int]:
    """Every message the server accepted (broadcast and replies) while the broadcast ran:
    the platform's limit is on all of them together."""
    if len(times) < 2:
        return 0.0, 0
    during = [t for t, _, _ in stats["accepted"] if times[0] <= t <= times[-1]]
    return (len(during) - 1) / (times[-1] - times[0]), len(during)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    server = RemoteFake(args.limit, 1.0)
    tmp = Path(tempfile.mkdtemp(prefix="fanout-"))
    store = Store.open(args.database_url or f"sqlite:///{tmp / 'bench.db'}")
    try:
        return await fan_out(args, server, store, tmp)
    finally:
        await server.close()
        store.engine.dispose()
        shutil.rmtree(tmp, ignore_errors=True)


async def fan_out(args: argparse.Namespace, server: RemoteFake, store: Store,
                  tmp: Path) -> dict[str, Any]:
    users = Users(server, args.users, args.seed)
    limits = Limits(rate_per_s=args.rate, chat_interval_s=1.1)
    runtime = Runtime(App(store, build_registry()), make_platform(args.library, server.url), limits,
                      media_dir=tmp / "media", poll_timeout=10, on_queued=users.on_queued)
    await runtime.start()
    queue_broadcast(store, args.messages)
    runtime.sender.notify()
    talkers = [asyncio.create_task(users.talk(100 + k)) for k in range(args.users)]
    started = time.monotonic()
    print(f"{'s':>5} {'broadcast':>9} {'msg/s':>7} {'429':>4} {'replies':>7}")
    while True:
        await asyncio.sleep(2.0)
        stats = await server.stats()
        times, texts = broadcast_seen(stats)
        elapsed = time.monotonic() - started
        print(f"{elapsed:5.0f} {len(texts):9d} {throughput(stats, times)[0]:7.2f} "
              f"{len(stats['rejected_429']):4d} {len(users.answered):7d}", flush=True)
        if len(texts) >= args.messages or elapsed > args.timeout:
            break
    await asyncio.sleep(1.5)  # anything still in flight (a duplicate would show now)
    users.running = False
    await asyncio.gather(*talkers)
    await runtime.stop()
    stats = await server.stats()
    result = figures(args, stats, users, store.engine.dialect.name)
    result["sender"] = runtime.sender.stats
    return result


def figures(args: argparse.Namespace, stats: dict[str, Any], users: Users,
            database: str) -> dict[str, Any]:
    times, texts = broadcast_seen(stats)
    expected = {BROADCAST.format(i=i) for i in range(args.messages)}
    rate, during = throughput(stats, times)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    return {
        "messages": args.messages,
        "msg_per_s": round(rate, 2),
        "limit_per_s": args.limit,
        "lost": len(expected - set(texts)),
        "duplicated": sum(n - 1 for n in texts.values() if n > 1),
        "retries_429": len(stats["rejected_429"]),
        "reply_p95_ms": round(p95(users.latencies()), 1),
        "reply_sent_p95_ms": round(p95(users.answered), 1),
        "rate_per_s": args.rate,
        "sent_during_fanout": during,
        "broadcast_per_s": round((len(times) - 1) / span, 2) if span else 0.0,
        "replies": len(users.answered),
        "retries_429_why": dict(Counter(stats["reasons_429"])),
        "library": args.library,
        "database": database,
    }


@contextmanager
def scratch_schema(args: argparse.Namespace) -> Iterator[None]:
    """With ``--postgres``: a schema made for this run and dropped after it."""
    if not args.postgres:
        yield
        return
    from sqlalchemy import text

    from storage.db import make_engine

    schema = f"fanout_{uuid.uuid4().hex[:8]}"
    admin = make_engine(args.postgres)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    args.database_url = f"{args.postgres}?options=-csearch_path%3D{schema}"
    try:
        yield
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--limit", type=int, default=30, help="the fake server's msg/s")
    parser.add_argument("--rate", type=float, default=29.0, help="the outbox's msg/s")
    parser.add_argument("--users", type=int, default=10, help="simulated users talking")
    parser.add_argument("--library", choices=["ptb", "aiogram"], default="ptb")
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite")
    parser.add_argument("--postgres", metavar="URL", default=None,
                        help="run on PostgreSQL in a throwaway schema of this database")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    with scratch_schema(args):
        figures = asyncio.run(run(args))
    print()
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
