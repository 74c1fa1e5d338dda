"""The real ``giamngheo run`` process, python-telegram-bot and aiogram, against the fake Bot
API server, with ``GIAMNGHEO_LOG_LEVEL=DEBUG``: its standard error holds no token, no text a
person sent and no name, even when an update cannot be parsed by the library; one person's
flood of messages in one getUpdates batch is answered by the flood gate; a rejected token
ends the process with a message that does not hold the token."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlmodel import func, select

from storage.models import InboundUpdate, OutboxMessage, OutboxStatus, UpdateStatus
from storage.repo import Store
from tests.channels.fake_telegram import TOKEN, FakeTelegram, Limits
from tests.channels.harness import TelegramDriver, as_user, eventually, payload
from tests.security.test_no_personal_data_in_logs import leaks

GIAMNGHEO = Path(sys.executable).parent / "giamngheo"
CHANNELS = ["telegram", "telegram-aiogram"]
NAME = "Chamaléa Thị Nguyệt"
QUESTION = f"Tôi là {NAME}, gọi giúp 0912 345 678: hộ cận nghèo có được hỗ trợ bảo hiểm y tế không"
FLOOD = 20
BOOT_S = 90.0  # a guard for a cold start (imports, migrations), not a speed requirement


@asynccontextmanager
async def giamngheo_run(channel: str, base_url: str, tmp: Path,
                        token: str = TOKEN) -> AsyncIterator[asyncio.subprocess.Process]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIAMNGHEO_")}
    env.update(GIAMNGHEO_TELEGRAM_TOKEN=token, GIAMNGHEO_TELEGRAM_BASE_URL=base_url,
               GIAMNGHEO_DATABASE_URL=f"sqlite:///{tmp / 'bot.db'}",
               GIAMNGHEO_LOG_LEVEL="DEBUG", GIAMNGHEO_MEDIA_DIR=str(tmp / "media"),
               GIAMNGHEO_EXPORT_DIR=str(tmp / "export"), GIAMNGHEO_POLL_TIMEOUT_S="2",
               GIAMNGHEO_CHAT_INTERVAL_S="0.05")
    proc = await asyncio.create_subprocess_exec(
        str(GIAMNGHEO), "run", "--channel", channel, cwd=tmp, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        yield proc
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


def settled(store: Store, total: int) -> bool:
    with store.session() as s:
        handled = s.exec(select(func.count()).select_from(InboundUpdate).where(
            InboundUpdate.status != UpdateStatus.PENDING)).one()
        waiting = s.exec(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.PENDING)).one()
    return handled >= total and waiting == 0


@pytest.mark.parametrize("channel", CHANNELS)
async def test_giamngheo_run_logs_nothing_personal_and_floods_are_gated(
        channel: str, tmp_path: Path) -> None:
    fake = FakeTelegram(Limits(per_second=None, chat_interval=None))
    await fake.start()
    driver = TelegramDriver(fake, Store.open(f"sqlite:///{tmp_path / 'unused.db'}"), [])
    user = {"id": 750, "is_bot": False, "first_name": NAME, "language_code": "vi"}
    flood = [{"message": {**driver._message("750", text=QUESTION if i == 0 else "/trogiup"),
                          "from": user}} for i in range(FLOOD)]
    unreadable = [payload("telegram/aiogram_1840_hidden_user.json"),
                  as_user(payload("telegram/no_chat.json"), "751")]
    try:
        async with giamngheo_run(channel, fake.url, tmp_path) as proc:
            await eventually(lambda: fake.stats.offsets, "the bot polling", guard=BOOT_S)
            await fake.push_many([*unreadable, *flood])
            store = Store.open(f"sqlite:///{tmp_path / 'bot.db'}")
            await eventually(lambda: settled(store, FLOOD + 2), "every update handled")
            proc.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(proc.communicate(), 30)
    finally:
        await fake.stop()
    log = err.decode("utf-8", "replace")
    sent = [str(m.get("text", "")) for m in fake.chats["750"]]
    assert proc.returncode == 0, log[-2000:]
    assert sum("nhanh quá" in t for t in sent) == 1  # told once, the rest not answered
    assert sum(t.startswith("Các lệnh") for t in sent) == 7  # 8 admitted: the question + 7
    assert " DEBUG " in log and "running on telegram" in log  # everything was logged
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    assert NAME not in log and "bảo hiểm y tế" not in log and leaks(log) == []


@pytest.mark.parametrize("channel", CHANNELS)
async def test_a_rejected_token_ends_the_run_without_printing_it(channel: str,
                                                                 tmp_path: Path) -> None:
    fake = FakeTelegram(token="999999:the-real-token-is-another-one")
    await fake.start()
    try:
        async with giamngheo_run(channel, fake.url, tmp_path) as proc:
            out, err = await asyncio.wait_for(proc.communicate(), BOOT_S)
    finally:
        await fake.stop()
    said = (out + err).decode("utf-8", "replace")
    assert proc.returncode not in (0, None)
    assert "rejected the bot's token" in said and "GIAMNGHEO_TELEGRAM_TOKEN" in said
    assert TOKEN not in said and TOKEN.split(":")[1] not in said


