"""Sending and downloading on Telegram, through both libraries, with injected faults (issue
16): a send the platform got but never answered, a slow file download. Run by test_ptb.py
and test_aiogram.py."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.core.app import App
from storage.models import OutboxMessage, OutboxStatus
from tests.channels.fake_telegram import FakeTelegram
from tests.channels.faults import Drop, Hold
from tests.channels.harness import TelegramDriver, eventually, running, spy
from tests.channels.scenarios import PHOTO

Case = Callable[..., Awaitable[None]]


async def an_unanswered_send_is_repeated_once(factory: Any, app: App, fake: FakeTelegram,
                                              tmp: Path, mp: pytest.MonkeyPatch) -> None:
    """The platform takes the message and drops the connection before answering, twice:
    the bot repeats it once, then gives it up (Telegram has no idempotency key)."""
    fake.faults.plan("sendMessage", Drop(), Drop())
    async with running(app, factory(fake), "polling", tmp):
        driver = TelegramDriver(fake, app.store, spy(app))
        await fake.push({"message": driver._message("731", text="/start")})

        def first_row() -> OutboxMessage | None:
            with app.store.session() as s:
                row = s.exec(select(OutboxMessage).where(OutboxMessage.chat_id == "731")
                             .order_by(OutboxMessage.id)).first()  # type: ignore[arg-type]
            return row if row is not None and row.status != OutboxStatus.PENDING else None

        row = await eventually(first_row, "the first reply settled")
        replies = await driver.say("731", "/trogiup")  # the next message goes out as usual
    copies = Counter(m["text"] for m in fake.chats["731"])
    assert copies[row.payload["text"]] == 2 and max(copies.values()) == 2
    from scheduler.outbox import UNANSWERED

    assert row.status == OutboxStatus.FAILED and row.last_error == UNANSWERED
    assert replies and replies[0].text.startswith("Các lệnh")


async def a_slow_download_holds_no_one_up(factory: Any, app: App, fake: FakeTelegram,
                                          tmp: Path, mp: pytest.MonkeyPatch) -> None:
    from bot.channels.media import media_path

    hold = Hold()
    fake.faults.plan("getFile", hold)
    async with running(app, factory(fake), "polling", tmp):
        driver = TelegramDriver(fake, app.store, spy(app))
        shown = await driver.photo("732", "", PHOTO)  # answered without waiting for the file
        await eventually(hold.reached.is_set, "the download under way")
        other = await driver.say("733", "/start")  # someone else, meanwhile
        file_id = next(f for f in fake.files if f.startswith("AgAC-photo-"))
        saved = media_path(tmp / "media", "telegram", "photo", file_id)
        assert not saved.exists()
        hold.release()
        await eventually(saved.exists, "the photo saved once the platform let it go")
    assert shown and other[0].text.startswith("Xin chào")
    assert saved.read_bytes() == PHOTO


CASES: dict[str, Case] = {f.__name__: f for f in (
    an_unanswered_send_is_repeated_once, a_slow_download_holds_no_one_up)}
