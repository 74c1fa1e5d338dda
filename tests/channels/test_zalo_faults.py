"""Zalo against real event payloads and injected faults (issue 16 and the channel side of
issue 14): voice notes as evidence, stickers and withheld content answered, a 429 without
retry_after, a person who blocked the bot, a send never answered."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select

from bot.base.messages import Voice
from bot.channels.zalo import ZaloPlatform
from bot.core.app import App
from storage import delivery
from storage.models import Identity, OutboxMessage, OutboxStatus, ReportVersion, User
from tests.channels.fake_zalo import TOKEN, FakeZalo, ZaloError
from tests.channels.faults import Drop
from tests.channels.harness import ZaloDriver, eventually, payload, running, spy, terminal_code
from tests.channels.scenarios import DA5
from tests.channels.telegram_receiving import CANNOT_READ, EMPTY

VOICE = b"\xff\xf1 an AAC voice note"


def zalo(fake: FakeZalo) -> ZaloPlatform:
    return ZaloPlatform(TOKEN, fake.url)


def user_of(app: App, external: str) -> User:
    with app.store.session() as s:
        user_id = s.exec(select(Identity.user_id).where(Identity.channel == "zalo",
                                                        Identity.external_id == external)).one()
        user = s.get(User, user_id)
        assert user is not None
        return user


async def test_a_voice_note_is_evidence_and_a_sticker_is_answered(
        real_app: App, fake_zalo: FakeZalo, tmp_path: Path) -> None:
    seen = spy(real_app)
    voice = payload("zalo/voice.json")
    voice["message"]["voice_url"] = fake_zalo.photo_url("note.aac", VOICE)
    async with running(real_app, zalo(fake_zalo), "polling", tmp_path):
        driver = ZaloDriver(fake_zalo, real_app.store, seen)
        sticker = await driver.send_update("901", payload("zalo/sticker.json"))
        withheld = await driver.send_update("901", payload("zalo/unsupported.json"))
        await driver.say("901", f"/lienket {terminal_code(real_app, 'ctv-demo')}")
        await driver.say("901", "/baocao")
        replies = await driver.press("901", DA5)
        for _ in range(6):
            if any(label == "Bỏ qua" for r in replies for label in r.buttons):
                break
            replies = await driver.say("901", "1")
        await driver.say("901", "móng đã xong")
        taken = await driver.send_update("901", voice)
        notes = [m.content for m in seen if isinstance(m.content, Voice)]
        await eventually(lambda: Path(notes[0].ref).exists(), "the voice note downloaded")
        await driver.press("901", "Bỏ qua")
        done = await driver.press("901", "Đồng ý")
    assert all(CANNOT_READ in r[0].text and EMPTY not in r[0].text for r in (sticker, withheld))
    assert "vị trí" in taken[0].text  # the next step: the voice note was taken
    assert Path(notes[0].ref).read_bytes() == VOICE and notes[0].ref.endswith(".aac")
    assert "BC-" in done[-1].text
    with real_app.store.session() as s:
        evidence = s.exec(select(ReportVersion.evidence)).all()
    assert [{"kind": "voice", "refs": [notes[0].ref]}] in evidence


async def test_a_429_without_retry_after_is_a_short_pause(real_app: App, fake_zalo: FakeZalo,
                                                          tmp_path: Path) -> None:
    fake_zalo.faults.plan("sendMessage", ZaloError(429, "Quota exceeded"))
    async with running(real_app, zalo(fake_zalo), "polling", tmp_path):
        driver = ZaloDriver(fake_zalo, real_app.store, spy(real_app))
        update_id = await fake_zalo.push("message.text.received", "902", text="/start")
        await eventually(lambda: fake_zalo.chats.get("902"), "the reply after the 429",
                         guard=20)
    assert fake_zalo.chats["902"][0]["text"].startswith("Xin chào") and update_id
    assert driver and fake_zalo.faults.calls["sendMessage"] == 2


async def test_a_block_is_final_until_the_person_writes(real_app: App, fake_zalo: FakeZalo,
                                                        tmp_path: Path) -> None:
    async with running(real_app, zalo(fake_zalo), "polling", tmp_path) as runtime:
        driver = ZaloDriver(fake_zalo, real_app.store, spy(real_app))
        await driver.say("903", "/start")
        fake_zalo.blocked.add("903")
        user = user_of(real_app, "903")
        with real_app.store.session() as s:
            delivery.enqueue(s, "zalo", "903", [{"kind": "text", "text": "Thông báo"}],
                             now=datetime.now(UTC), user_id=user.id, priority=2)
        runtime.sender.notify()

        def settled() -> OutboxMessage | None:
            with real_app.store.session() as s:
                row = s.exec(select(OutboxMessage).where(OutboxMessage.priority == 2)).one()
            return row if row.status != OutboxStatus.PENDING else None

        row = await eventually(settled, "the notice settled", guard=20)
        assert row.status == OutboxStatus.FAILED and row.attempts == 1
        assert not user_of(real_app, "903").reachable
        fake_zalo.blocked.discard("903")
        again = await driver.say("903", "/start")
    assert again[0].text.startswith("Xin chào") and user_of(real_app, "903").reachable


async def test_an_unanswered_send_is_repeated_once(real_app: App, fake_zalo: FakeZalo,
                                                   tmp_path: Path) -> None:
    fake_zalo.faults.plan("sendMessage", Drop(), Drop())
    async with running(real_app, zalo(fake_zalo), "polling", tmp_path):
        driver = ZaloDriver(fake_zalo, real_app.store, spy(real_app))
        await fake_zalo.push("message.text.received", "904", text="/start")

        def settled() -> OutboxMessage | None:
            with real_app.store.session() as s:
                row = s.exec(select(OutboxMessage).where(OutboxMessage.chat_id == "904")).first()
            return row if row is not None and row.status != OutboxStatus.PENDING else None

        row = await eventually(settled, "the reply settled")
        later = await driver.say("904", "/trogiup")
    copies = Counter(m["text"] for m in fake_zalo.chats["904"])
    assert copies[row.payload["text"]] == 2 and max(copies.values()) == 2
    from scheduler.outbox import UNANSWERED

    assert row.status == OutboxStatus.FAILED and row.last_error == UNANSWERED
    assert later and later[0].text.startswith("Các lệnh")
