"""Telegram behaviour both libraries must show (run by test_ptb.py and test_aiogram.py).

Each case gets a platform factory (python-telegram-bot or aiogram), a real app, the fake
Bot API server, a temporary directory and pytest's monkeypatch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import func, select

from bot.base.messages import Button, Outgoing, Text
from bot.core.app import App
from bot.core.context import Context
from bot.core.router import Command
from scheduler.render import units
from storage import delivery
from storage.models import (
    ChannelPause,
    Identity,
    InboundUpdate,
    OutboxMessage,
    OutboxStatus,
    User,
)
from tests.channels.fake_telegram import FakeTelegram
from tests.channels.harness import TelegramDriver, free_port, running, spy, terminal_code

Case = Callable[..., Awaitable[None]]
LONG = "\n\n".join(f"Mục {i}: hộ nghèo được hỗ trợ vay vốn, học nghề 🌾 và bảo hiểm y tế. " * 6
                   for i in range(1, 26))


async def press_is_answered_and_shown(factory: Any, app: App, fake: FakeTelegram,
                                      tmp: Path, mp: pytest.MonkeyPatch) -> None:
    seen = spy(app)
    async with running(app, factory(fake), "polling", tmp):
        driver = TelegramDriver(fake, app.store, seen)
        await driver.say("701", "/ngonngu")
        await driver.press("701", "English")
    assert len(fake.answered) == 1  # the phone stops spinning
    menu = fake.chats["701"][0]
    assert menu["text"].endswith("✓ English") and "reply_markup" not in menu


async def command_menus_follow_role_and_language(factory: Any, app: App, fake: FakeTelegram,
                                                 tmp: Path, mp: pytest.MonkeyPatch) -> None:
    async with running(app, factory(fake), "polling", tmp):
        driver = TelegramDriver(fake, app.store, spy(app))
        await driver.say("702", f"/lienket {terminal_code(app, 'ctv-demo')}")
    citizens = [c["command"] for c in fake.commands[("default", "")]]
    assert "batdau" in citizens and "baocao" not in citizens
    assert "help" in [c["command"] for c in fake.commands[("default", "en")]]
    assert "baocao" in [c["command"] for c in fake.commands[("702", "")]]


async def webhook_checks_the_secret(factory: Any, app: App, fake: FakeTelegram, tmp: Path,
                                    mp: pytest.MonkeyPatch) -> None:
    port = free_port()
    update = {"update_id": 1, "message": {"message_id": 1, "date": 1, "text": "/start",
                                          "chat": {"id": 1, "type": "private"},
                                          "from": {"id": 1, "is_bot": False,
                                                   "first_name": "X"}}}
    from bot.channels.runtime import Runtime

    runtime = Runtime(app, factory(fake), media_dir=tmp)
    await runtime.start(f"http://127.0.0.1:{port}/hook", f"127.0.0.1:{port}", "right-secret")
    try:
        async with aiohttp.ClientSession() as http:
            statuses = []
            for secret in ("wrong", None):
                headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
                async with http.post(f"http://127.0.0.1:{port}/hook", json=update,
                                     headers=headers) as resp:
                    statuses.append(resp.status)
    finally:
        await runtime.stop()
    assert statuses == [401, 401]
    with app.store.session() as s:
        assert s.exec(select(func.count()).select_from(InboundUpdate)).one() == 0


async def _redelivered(factory: Any, app: App, fake: FakeTelegram, tmp: Path,
                       mode: str) -> None:
    async with running(app, factory(fake), mode, tmp):
        driver = TelegramDriver(fake, app.store, spy(app))
        await driver.say("703", "/start")
        first = max(u["update_id"] for u in [*fake.delivered, *fake.updates])
        await fake.redeliver(first)
        await driver.say("703", "/trogiup")  # processed after the redelivered one
    assert len(fake.chats["703"]) == 2  # one reply each, none for the repeat


async def redelivery_polling(factory: Any, app: App, fake: FakeTelegram, tmp: Path,
                             mp: pytest.MonkeyPatch) -> None:
    await _redelivered(factory, app, fake, tmp, "polling")


async def redelivery_webhook(factory: Any, app: App, fake: FakeTelegram, tmp: Path,
                             mp: pytest.MonkeyPatch) -> None:
    await _redelivered(factory, app, fake, tmp, "webhook")


def _flaky_store(mp: pytest.MonkeyPatch, fake: FakeTelegram, failures: int) -> list[list[Any]]:
    """The database refuses the first writes of updates; returns the getUpdates offsets the
    fake had seen when the first write succeeded."""
    real, left, seen = delivery.store_inbound, [failures], []

    def flaky(*args: Any, **kwargs: Any) -> list[str]:
        if left[0] > 0:
            left[0] -= 1
            raise OperationalError("INSERT", {}, Exception("database is down"))
        seen.append(list(fake.stats.offsets))
        return real(*args, **kwargs)

    mp.setattr(delivery, "store_inbound", flaky)
    return seen


async def outage_polling(factory: Any, app: App, fake: FakeTelegram, tmp: Path,
                         mp: pytest.MonkeyPatch) -> None:
    seen = _flaky_store(mp, fake, failures=2)
    async with running(app, factory(fake), "polling", tmp):
        replies = await TelegramDriver(fake, app.store, spy(app)).say("704", "/start")
    update_id = fake.delivered[-1]["update_id"]
    busy = [r for r in replies if "đang bận" in r.text]
    assert len(busy) == 1 and len(replies) == 2  # told once during the outage, then answered
    assert replies[-1].text.startswith("Xin chào")
    assert all(o is None or o <= update_id for o in seen[0])  # not confirmed before stored
    assert any(o is not None and o > update_id for o in fake.stats.offsets)


async def outage_webhook(factory: Any, app: App, fake: FakeTelegram, tmp: Path,
                         mp: pytest.MonkeyPatch) -> None:
    _flaky_store(mp, fake, failures=2)
    async with running(app, factory(fake), "webhook", tmp):
        replies = await TelegramDriver(fake, app.store, spy(app)).say("704", "/start")
    assert [r.text for r in replies if "đang bận" in r.text] and len(replies) == 2
    assert fake.stats.webhook_statuses == [503, 503, 200]  # redelivered until stored


async def long_texts_files_and_big_button_data(factory: Any, app: App, fake: FakeTelegram,
                                               tmp: Path, mp: pytest.MonkeyPatch) -> None:
    chart, table = tmp / "chart.png", tmp / "export.csv"
    chart.write_bytes(b"\x89PNG\r\n\x1a\n a chart")
    table.write_text("xa,ho_ngheo\nPhuoc Binh,12\n", encoding="utf-8")
    choice = "/chon " + "đ" * 40  # 86 bytes: too long for callback_data

    def big(ctx: Context, args: str) -> list[Outgoing]:
        return [Outgoing(LONG, (Button("Chọn mục này", choice),)),
                Outgoing("Biểu đồ tiến độ", image_path=str(chart)),
                Outgoing("Tệp xuất", document_path=str(table))]

    def chosen(ctx: Context, args: str) -> list[Outgoing]:
        return [Outgoing(f"đã chọn {len(args)}")]

    app.registry.commands += [Command(("dai",), big), Command(("chon",), chosen)]
    seen = spy(app)
    async with running(app, factory(fake), "polling", tmp):
        driver = TelegramDriver(fake, app.store, seen)
        replies = await driver.say("705", "/dai")
        texts = [r.text for r in replies if "text" in r.raw]
        assert len(texts) > 2 and all(units(t) <= 4096 for t in texts)
        assert " ".join(texts).split() == LONG.split()  # nothing lost or changed
        assert replies[len(texts) - 1].raw["reply_markup"]["inline_keyboard"][0][0][
            "callback_data"] == "i:0"
        assert [r.raw["bytes"] for r in replies if "bytes" in r.raw] == [
            chart.read_bytes(), table.read_bytes()]
        pressed = await driver.press("705", "Chọn mục này")
    assert pressed[-1].text == "đã chọn 40"
    assert any(m.content == Text("Chọn mục này") for m in seen)


async def a_429_pauses_sending(factory: Any, app: App, fake: FakeTelegram, tmp: Path,
                               mp: pytest.MonkeyPatch) -> None:
    fake.inject_429 = [1]
    async with running(app, factory(fake), "polling", tmp):
        replies = await TelegramDriver(fake, app.store, spy(app)).say("706", "/start")
    assert len(replies) == 1 and len(fake.stats.rejected_429) == 1
    sent = [t for t, chat, _ in fake.stats.accepted if chat == "706"]
    assert sent[0] >= fake.stats.rejected_429[0] + 1.0 - 0.05  # waited retry_after
    with app.store.session() as s:
        assert s.get(ChannelPause, "telegram") is not None


async def blocked_user_becomes_unreachable(factory: Any, app: App, fake: FakeTelegram,
                                           tmp: Path, mp: pytest.MonkeyPatch) -> None:
    async with running(app, factory(fake), "polling", tmp) as runtime:
        await TelegramDriver(fake, app.store, spy(app)).say("707", "/start")
        fake.blocked.add("707")
        with app.store.session() as s:
            user_id = s.exec(select(Identity.user_id).where(
                Identity.channel == "telegram", Identity.external_id == "707")).one()
            delivery.enqueue(s, "telegram", "707", [{"kind": "text", "text": "Thông báo"}],
                             now=datetime.now(UTC), user_id=user_id, priority=2)
        runtime.sender.notify()
        for _ in range(1000):
            with app.store.session() as s:
                row = s.exec(select(OutboxMessage).where(OutboxMessage.priority == 2)).one()
            if row.status != OutboxStatus.PENDING:
                break
            await asyncio.sleep(0.02)
    assert row.status == OutboxStatus.FAILED
    with app.store.session() as s:
        assert s.get(User, user_id).reachable is False  # type: ignore[union-attr]


CASES: dict[str, Case] = {f.__name__: f for f in (
    press_is_answered_and_shown, command_menus_follow_role_and_language,
    webhook_checks_the_secret, redelivery_polling, redelivery_webhook, outage_polling,
    outage_webhook, long_texts_files_and_big_button_data, a_429_pauses_sending,
    blocked_user_becomes_unreachable)}
