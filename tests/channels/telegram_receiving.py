"""Receiving on Telegram, through both libraries, against real payloads and injected faults
(issue 16): updates a library cannot parse, start-up failures, 409 and 429 on getUpdates,
the webhook's answer, blocked and unblocked people, content the bot cannot take, albums,
buttons in channels. Run by test_ptb.py and test_aiogram.py."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.base.messages import Photo
from bot.core.app import App
from storage import delivery
from storage.models import Identity, InboundUpdate, OutboxMessage, OutboxStatus, UpdateStatus, User
from tests.channels.fake_http import ApiError
from tests.channels.fake_telegram import FakeTelegram
from tests.channels.faults import Hold
from tests.channels.harness import (
    TelegramDriver,
    as_user,
    eventually,
    payload,
    running,
    settle,
    spy,
    terminal_code,
)
from tests.channels.scenarios import DA5

Case = Callable[..., Awaitable[None]]
CANNOT_READ = "chưa đọc được loại tin nhắn này"
ONLY_WHEN_REPORTING = "chỉ nhận ảnh và tin nhắn thoại khi bạn đang báo cáo"
EMPTY = "Bạn chưa nhập nội dung"
BAD_GATEWAY = ApiError(502, "Bad Gateway")


@contextmanager
def bot_log() -> Iterator[list[logging.LogRecord]]:
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("giamngheo")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


def texts(fake: FakeTelegram, chat: str) -> list[str]:
    return [str(m.get("text") or m.get("caption") or "") for m in fake.chats.get(chat, [])]


def status_of(app: App, update_id: int) -> InboundUpdate:
    with app.store.session() as s:
        return s.exec(select(InboundUpdate).where(
            InboundUpdate.update_id == str(update_id))).one()


async def updates_it_cannot_parse_do_not_stop_polling(factory: Any, app: App,
                                                      fake: FakeTelegram, tmp: Path,
                                                      mp: pytest.MonkeyPatch) -> None:
    """aiogram issue 1840's update, an origin newer than the library, a story from an older
    Bot API server and a message without a chat, in the same batch as someone's /start."""
    seen = spy(app)
    hoa = [as_user(payload(f"telegram/{name}.json"), "711") for name in
           ("forward_hidden_user", "forward_origin_unknown", "story_bot_api_6_8", "no_chat")]
    async with running(app, factory(fake), "polling", tmp):
        driver = TelegramDriver(fake, app.store, seen)
        start = {"message": driver._message("712", text="/start")}
        ids = await fake.push_many([payload("telegram/aiogram_1840_hidden_user.json"), *hoa,
                                    start])
        await settle(app.store, "telegram", str(ids[-1]), "712", guard=30)
        await settle(app.store, "telegram", str(ids[3]), "711", guard=30)
    assert texts(fake, "712")[0].startswith("Xin chào")
    answered = texts(fake, "711")
    assert len(answered) == 3 and CANNOT_READ in answered[2]  # question, /trogiup, the story
    assert CANNOT_READ not in answered[0] and EMPTY not in answered[0]  # answered as asked
    assert answered[1].startswith("Các lệnh bạn có thể dùng")
    kept = status_of(app, ids[4])
    assert kept.status == UpdateStatus.SET_ASIDE and kept.reason == "a message without a chat id"
    assert kept.payload["message"]["text"]  # kept whole, for an officer to see
    assert status_of(app, ids[0]).status == UpdateStatus.DONE  # a group's: read, not answered
    assert max(o or 0 for o in fake.stats.offsets) > ids[-1]  # all of them confirmed


async def a_person_who_unblocks_is_reachable_again(factory: Any, app: App,
                                                   fake: FakeTelegram, tmp: Path,
                                                   mp: pytest.MonkeyPatch) -> None:
    def reachable() -> bool:
        with app.store.session() as s:
            user = s.get(User, user_id)
            assert user is not None
            return user.reachable

    async with running(app, factory(fake), "polling", tmp) as runtime:
        driver = TelegramDriver(fake, app.store, spy(app))
        await driver.say("713", "/start")
        with app.store.session() as s:
            user_id = s.exec(select(Identity.user_id).where(
                Identity.channel == "telegram", Identity.external_id == "713")).one()
        await driver.send_update("713", as_user(payload("telegram/blocked.json"), "713"))
        assert not reachable()
        await driver.send_update("713", as_user(payload("telegram/unblocked.json"), "713"))
        assert reachable()
        fake.blocked.add("713")  # blocked again, found out by a send this time
        with app.store.session() as s:
            delivery.enqueue(s, "telegram", "713", [{"kind": "text", "text": "Thông báo"}],
                             now=runtime.pipeline.clock(), user_id=user_id, priority=2)
        runtime.sender.notify()
        await eventually(lambda: not reachable(), "marked unreachable by the send")
        fake.blocked.discard("713")
        replies = await driver.say("713", "/start")  # unblocked, and writes
    assert replies[0].text.startswith("Xin chào") and reachable()


async def the_webhook_answers_once_the_update_is_stored(factory: Any, app: App,
                                                        fake: FakeTelegram, tmp: Path,
                                                        mp: pytest.MonkeyPatch) -> None:
    hold = Hold()
    fake.faults.plan("answerCallbackQuery", hold)
    with bot_log() as records:
        async with running(app, factory(fake), "webhook", tmp):
            driver = TelegramDriver(fake, app.store, spy(app))
            await driver.say("714", "/ngonngu")
            answered = len(fake.stats.webhook_statuses)
            pressing = asyncio.create_task(driver.press("714", "English"))
            await asyncio.wait_for(hold.reached.wait(), 30)
            statuses = await eventually(lambda: fake.stats.webhook_statuses[answered:],
                                        "the webhook's answer to the press", guard=20)
            assert statuses[0] == 200  # while answerCallbackQuery still waits
            hold.release()
            replies = await pressing
            await eventually(lambda: fake.answered, "the press answered")
    assert replies[-1].text.startswith("Switched to English.") and len(fake.answered) == 1
    # the press was answered, not abandoned by a webhook that could not wait for it
    assert not [r for r in records if "acknowledging" in r.getMessage()]


async def _survives_502(factory: Any, app: App, fake: FakeTelegram, tmp: Path,
                        mode: str) -> None:
    fake.faults.plan("getMe", BAD_GATEWAY, BAD_GATEWAY)
    fake.faults.plan("setWebhook" if mode == "webhook" else "deleteWebhook", BAD_GATEWAY)
    async with running(app, factory(fake), mode, tmp):
        replies = await TelegramDriver(fake, app.store, spy(app)).say("715", "/start")
    assert replies[0].text.startswith("Xin chào")
    assert fake.faults.calls["getMe"] == 3


async def start_up_survives_a_502_polling(factory: Any, app: App, fake: FakeTelegram,
                                          tmp: Path, mp: pytest.MonkeyPatch) -> None:
    await _survives_502(factory, app, fake, tmp, "polling")
    assert fake.faults.calls["deleteWebhook"] == 2


async def start_up_survives_a_502_webhook(factory: Any, app: App, fake: FakeTelegram,
                                          tmp: Path, mp: pytest.MonkeyPatch) -> None:
    await _survives_502(factory, app, fake, tmp, "webhook")
    assert fake.faults.calls["setWebhook"] == 2


async def a_conflict_is_explained_once(factory: Any, app: App, fake: FakeTelegram,
                                       tmp: Path, mp: pytest.MonkeyPatch) -> None:
    with bot_log() as records:
        async with running(app, factory(fake), "polling", tmp):
            driver = TelegramDriver(fake, app.store, spy(app))
            await driver.say("716", "/start")
            refused = fake.faults.calls["getUpdates"]
            fake.webhook = ("https://elsewhere.example/hook", "")  # set by another deployment
            await fake.push({"message": driver._message("716", text="/trogiup")})
            await eventually(lambda: fake.faults.calls["getUpdates"] >= refused + 3,
                             "polls refused with 409", guard=30)
            fake.webhook = None
            replies = await driver.say("716", "/ngonngu")  # polling works again
    assert replies[0].buttons
    told = [r.getMessage() for r in records if "409" in r.getMessage()]
    assert len(told) == 1 and "--webhook" in told[0] and "deleteWebhook" in told[0]
    assert not [r for r in records if "polling failed" in r.getMessage()]


async def a_429_on_getupdates_waits_its_retry_after(factory: Any, app: App, fake: FakeTelegram,
                                                    tmp: Path, mp: pytest.MonkeyPatch) -> None:
    async with running(app, factory(fake), "polling", tmp):
        driver = TelegramDriver(fake, app.store, spy(app))
        await driver.say("717", "/start")
        fake.faults.plan("getUpdates", ApiError(429, "Too Many Requests: retry after 3",
                                                retry_after=3))
        await fake.push({"message": driver._message("717", text="/trogiup")})  # ends the poll
        calls = fake.faults.times["getUpdates"]
        refused = len(calls)  # the next call is the refused one
        await eventually(lambda: len(calls) > refused + 1, "a poll after the 429", guard=30)
    assert calls[refused + 1] - calls[refused] >= 3.0 - 0.05


async def what_the_bot_cannot_take_is_answered_so(factory: Any, app: App, fake: FakeTelegram,
                                                  tmp: Path, mp: pytest.MonkeyPatch) -> None:
    story = as_user(payload("telegram/story_bot_api_6_8.json"), "718")
    story["message"]["story"] = {"chat": {"id": -1001234567890, "type": "channel",
                                          "title": "Tin xã"}, "id": 7}  # Bot API 7.1 and later
    async with running(app, factory(fake), "polling", tmp):
        driver = TelegramDriver(fake, app.store, spy(app))
        answers = [await driver.send_update("718", as_user(payload(f"telegram/{name}.json"),
                                                           "718"))
                   for name in ("voice", "document", "sticker")]
        answers.append(await driver.send_update("718", story))
    said = [r[0].text for r in answers]
    assert ONLY_WHEN_REPORTING in said[0]
    assert all(CANNOT_READ in s and "tin nhắn thoại" in s for s in said[1:])
    assert not [s for s in said if EMPTY in s]


async def _to_the_photo_step(driver: TelegramDriver, app: App, user: str) -> None:
    await driver.say(user, f"/lienket {terminal_code(app, 'ctv-demo')}")
    await driver.say(user, "/baocao")
    replies = await driver.press(user, DA5)
    for _ in range(6):  # the project's figures, until the note step (it can be skipped)
        if any(label == "Bỏ qua" for r in replies for label in r.buttons):
            break
        replies = await driver.say(user, "1")
    await driver.say(user, "móng đã xong")


async def an_album_is_one_piece_of_evidence(factory: Any, app: App, fake: FakeTelegram,
                                            tmp: Path, mp: pytest.MonkeyPatch) -> None:
    seen = spy(app)
    album = [as_user(part, "719") for part in payload("telegram/album.json")]
    for part in album:
        fake.files[part["message"]["photo"][-1]["file_id"]] = b"\xff\xd8 a photo \xff\xd9"
    async with running(app, factory(fake), "polling", tmp):
        driver = TelegramDriver(fake, app.store, seen)
        await _to_the_photo_step(driver, app, "719")
        before = len(fake.chats["719"])
        ids = await fake.push_many(album)
        await settle(app.store, "telegram", str(ids[-1]), "719")
        answered = texts(fake, "719")[before:]
        photos = [m.content for m in seen if isinstance(m.content, Photo)]
        await eventually(lambda: all(Path(p).exists() for p in photos[0].refs), "downloads")
        await driver.press("719", "Bỏ qua")
        done = await driver.press("719", "Đồng ý")
    assert len(answered) == 1 and "vị trí" in answered[0]  # one reply: the next step
    assert len(photos) == 1 and len(photos[0].refs) == 3 and photos[0].caption == "nhà đã lợp mái"
    assert "BC-" in done[-1].text


async def a_button_in_a_channel_posts_nothing(factory: Any, app: App, fake: FakeTelegram,
                                              tmp: Path, mp: pytest.MonkeyPatch) -> None:
    press = as_user(payload("telegram/channel_button.json"), "720")
    fake.queries.add(press["callback_query"]["id"])
    channel = str(press["callback_query"]["message"]["chat"]["id"])
    async with running(app, factory(fake), "polling", tmp):
        update_id = await fake.push(press)
        await settle(app.store, "telegram", str(update_id), channel)
        await eventually(lambda: fake.answered, "the press answered")
    assert fake.chats.get(channel) is None
    with app.store.session() as s:
        assert not s.exec(select(OutboxMessage).where(
            OutboxMessage.chat_id == channel, OutboxMessage.status != OutboxStatus.FAILED)).all()


CASES: dict[str, Case] = {f.__name__: f for f in (
    updates_it_cannot_parse_do_not_stop_polling, a_person_who_unblocks_is_reachable_again,
    the_webhook_answers_once_the_update_is_stored, start_up_survives_a_502_polling,
    start_up_survives_a_502_webhook, a_conflict_is_explained_once,
    a_429_on_getupdates_waits_its_retry_after, what_the_bot_cannot_take_is_answered_so,
    an_album_is_one_piece_of_evidence, a_button_in_a_channel_posts_nothing)}
