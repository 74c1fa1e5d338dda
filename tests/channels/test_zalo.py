"""Zalo through the bot's thin aiohttp client, against the fake Zalo Bot API server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy.exc import OperationalError

from bot.base.messages import Button, Outgoing
from bot.channels.zalo import IdlePoll, ZaloPlatform, result
from bot.core.app import App
from bot.core.context import Context
from bot.core.router import Command
from scheduler.outbox import Rejected, RetryAfter, Transient
from storage import delivery
from tests.channels.fake_zalo import SECRET_HEADER as SECRET
from tests.channels.fake_zalo import TOKEN, FakeZalo
from tests.channels.harness import ZaloDriver, running, settle, spy
from tests.channels.scenarios import SCENARIOS


def zalo(fake: FakeZalo) -> ZaloPlatform:
    return ZaloPlatform(TOKEN, fake.url)


@pytest.mark.parametrize("mode", ["polling", "webhook"])
@pytest.mark.parametrize("scenario", list(SCENARIOS))
async def test_scenario(scenario: str, mode: str, real_app: App, fake_zalo: FakeZalo,
                        tmp_path: Path) -> None:
    seen = spy(real_app)
    async with running(real_app, zalo(fake_zalo), mode, tmp_path):
        await SCENARIOS[scenario](ZaloDriver(fake_zalo, real_app.store, seen), real_app)


async def test_a_replayed_update_has_no_second_effect(real_app: App, fake_zalo: FakeZalo,
                                                      tmp_path: Path) -> None:
    async with running(real_app, zalo(fake_zalo), "polling", tmp_path):
        driver = ZaloDriver(fake_zalo, real_app.store, spy(real_app))
        await driver.say("801", "/start")
        await driver.say("801", "/trogiup")  # after the platform handed /start out again
    ids = [u["message"]["message_id"] for u in fake_zalo.consumed]
    assert len(ids) > len(set(ids))  # the platform did repeat itself
    assert len(fake_zalo.chats["801"]) == 2


async def test_webhook_secret_wrapped_bodies_and_an_outage(
        real_app: App, fake_zalo: FakeZalo, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    failures = [1]
    real = delivery.store_inbound

    def flaky(*args: Any, **kwargs: Any) -> list[str]:
        if failures[0]:
            failures[0] -= 1
            raise OperationalError("INSERT", {}, Exception("database is down"))
        return real(*args, **kwargs)

    monkeypatch.setattr(delivery, "store_inbound", flaky)
    update = {"event_name": "message.text.received", "message": {
        "message_id": "wrapped-1", "date": 1_750_316_131_602, "text": "/start",
        "from": {"id": "802", "display_name": "Ted", "is_bot": False},
        "chat": {"id": "802", "chat_type": "PRIVATE"}}}
    async with running(real_app, zalo(fake_zalo), "webhook", tmp_path) as runtime:
        driver = ZaloDriver(fake_zalo, real_app.store, spy(real_app))
        told, answer = await driver.say("803", "/start")  # "busy" during the outage, then the reply
        assert "đang bận" in told.text and answer.text.startswith("Xin chào")
        hook = fake_zalo.webhook[0] if fake_zalo.webhook else ""
        async with aiohttp.ClientSession() as http:
            async with http.post(hook, json=update, headers={SECRET: "wrong"}) as resp:
                assert resp.status == 401
            async with http.post(hook, json={"ok": True, "result": update},
                                 headers={SECRET: "s3cret-for-tests"}) as resp:
                assert resp.status == 200
        await settle(real_app.store, "zalo", "wrapped-1", "802")
        assert runtime.sender.stats["sent"] == 2
    assert fake_zalo.webhook_statuses[:2] == [503, 200]  # stored on the second delivery


async def test_long_texts_and_files_on_zalo(real_app: App, fake_zalo: FakeZalo,
                                            tmp_path: Path) -> None:
    def big(ctx: Context, args: str) -> list[Outgoing]:
        return [Outgoing("Thông tin hỗ trợ. " * 300, (Button("Đồng ý", "ok"),)),
                Outgoing("Biểu đồ", image_path=str(tmp_path / "chart.png"))]

    real_app.registry.commands.append(Command(("dai",), big))
    async with running(real_app, zalo(fake_zalo), "polling", tmp_path):
        replies = await ZaloDriver(fake_zalo, real_app.store, spy(real_app)).say("804", "/dai")
    assert len(replies) == 4 and all(len(r.text) <= 2000 for r in replies)
    assert replies[2].text.endswith("1. Đồng ý")
    assert replies[3].text.startswith("Biểu đồ\n\n(Ảnh này chỉ xem được trên Telegram.)")


def test_zalo_errors_become_the_outbox_errors() -> None:
    from scheduler.transport import Blocked, Unauthorized

    with pytest.raises(IdlePoll):
        result("getUpdates", 408, {"ok": False, "error_code": 408})
    with pytest.raises(RetryAfter) as quota:
        result("sendMessage", 429, {"ok": False, "error_code": 429})
    assert quota.value.seconds == 0  # no retry_after: the client picks a short pause
    with pytest.raises(Blocked):
        result("sendMessage", 403, {"ok": False, "error_code": 403, "description": "blocked"})
    with pytest.raises(Unauthorized):
        result("getMe", 401, {"ok": False, "error_code": 401})
    with pytest.raises(Rejected):
        result("sendMessage", 400, {"ok": False, "error_code": 400, "description": "bad"})
    with pytest.raises(Transient):
        result("sendMessage", 502, {})
    assert result("sendMessage", 200, {"ok": True, "result": {"message_id": "x"}}) == {
        "message_id": "x"}
