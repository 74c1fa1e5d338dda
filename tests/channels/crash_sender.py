"""The outbox sender alone in its own process, sending through the real aiogram adapter to a
fake Bot API server (the crash test kills it with SIGKILL in the middle of a fan-out).

    python -m tests.channels.crash_sender DATABASE_URL BASE_URL [--name N] [--rate R]
        [--lease S] [--in-flight K] [--until-empty] [--max-seconds T]

Without ``--until-empty`` it sends until killed (or ``--max-seconds``, a guard against an
orphan). With it, it stops once no message is pending and exits 0; 2 if time ran out.
Ends with one JSON line: the sender's counters.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys

from sqlmodel import func, select

from bot.channels.telegram_aiogram import AiogramTelegram
from scheduler.limits import Limits
from scheduler.outbox import Sender
from storage.db import make_engine
from storage.models import OutboxMessage, OutboxStatus
from storage.repo import Store
from tests.channels.fake_telegram import TOKEN


def pending(store: Store) -> int:
    with store.session() as s:
        return int(s.exec(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.PENDING)).one())


async def run(args: argparse.Namespace) -> int:
    store = Store(make_engine(args.database_url))  # the test made and filled the database
    platform = AiogramTelegram(TOKEN, args.base_url)
    await platform.start()
    limits = Limits(rate_per_s=args.rate, lease_s=args.lease, max_in_flight=args.in_flight,
                    chat_interval_s=0.0, poll_s=0.05, backoff_s=0.1)
    sender = Sender(store, platform, limits, name=args.name)
    task = asyncio.create_task(sender.run())
    loop = asyncio.get_running_loop()
    deadline = loop.time() + args.max_seconds
    emptied = False
    try:
        while loop.time() < deadline and not task.done():
            if args.until_empty and await asyncio.to_thread(pending, store) == 0:
                emptied = True
                break
            await asyncio.sleep(0.05)
    finally:
        sender.stop()
        await asyncio.gather(task, return_exceptions=True)
        await platform.close()
        store.engine.dispose()
    print(json.dumps(sender.stats), flush=True)
    return 0 if emptied else 2


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("base_url")
    parser.add_argument("--name", default="sender")
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--lease", type=float, default=5.0)
    parser.add_argument("--in-flight", type=int, default=8)
    parser.add_argument("--until-empty", action="store_true")
    parser.add_argument("--max-seconds", type=float, default=120.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    sys.exit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
