"""Inbound updates processed once; the handler, its replies and "done" share one transaction.

Run on SQLite and, where a server answers, on PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import func, select

from bot.base.messages import Outgoing
from bot.channels.pipeline import Pipeline, RawUpdate
from bot.channels.telegram_common import TelegramCommon
from bot.core.app import App
from bot.core.context import Context
from bot.core.router import Command
from handlers import build_registry
from scheduler.render import TELEGRAM
from storage import delivery
from storage.models import InboundUpdate, OutboxMessage, UpdateStatus, User
from storage.repo import Store

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


class Offline(TelegramCommon):
    """Telegram's reading and rendering, no network."""

    async def send_text(self, *a: Any) -> str: raise NotImplementedError
    async def edit(self, *a: Any) -> str: raise NotImplementedError
    async def send_file(self, *a: Any) -> str: raise NotImplementedError
    async def answer(self, query_id: str) -> None: return None
    def error(self, exc: Exception) -> Exception: return exc
    async def download(self, ref: str) -> bytes: return b"photo"
    async def set_commands(self, *a: Any) -> None: return None


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        yield Store.open(f"sqlite:///{tmp_path / 'inbound.db'}")
    else:
        yield request.getfixturevalue("pg_store")


def update(update_id: int, text: str, user: int = 88) -> RawUpdate:
    sender = {"id": user, "is_bot": False, "first_name": "Mai"}
    return Offline().raw({"update_id": update_id, "message": {
        "message_id": update_id, "date": 1_773_000_000, "text": text, "from": sender,
        "chat": {"id": user, "type": "private"}}})


def outbox(store: Store) -> list[OutboxMessage]:
    with store.session() as s:
        return list(s.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_an_update_is_stored_once_and_finished_once(store: Store) -> None:
    with store.session() as s:
        assert delivery.store_inbound(s, "telegram", [("1", {}), ("2", {})], NOW) == ["1", "2"]
        assert delivery.store_inbound(s, "telegram", [("2", {}), ("3", {})], NOW) == ["3"]
        assert delivery.store_inbound(s, "zalo", [("1", {})], NOW) == ["1"]  # per channel
        row = delivery.pending_inbound(s, "telegram")[0]
        assert delivery.finish_inbound(s, row.id or 0, NOW) is True
        assert delivery.finish_inbound(s, row.id or 0, NOW) is False
    with store.session() as s:
        assert s.get(InboundUpdate, row.id).payload == {}  # the content is forgotten
        assert delivery.purge_inbound(s, NOW + timedelta(days=8)) == 1


def test_a_pause_is_never_shortened(store: Store) -> None:
    with store.session() as s:
        delivery.pause_channel(s, "telegram", NOW + timedelta(seconds=30))
        delivery.pause_channel(s, "telegram", NOW + timedelta(seconds=5))
        assert delivery.paused_until(s, "telegram") == NOW + timedelta(seconds=30)


def test_planning_a_push_twice_adds_nothing(store: Store) -> None:
    with store.session() as s:
        parts = [{"kind": "text", "text": "a"}, {"kind": "text", "text": "b"}]
        assert len(delivery.enqueue(s, "zalo", "1", parts, now=NOW, dedup_key="r:1:2026-03")) == 2
        assert delivery.enqueue(s, "zalo", "1", parts, now=NOW, dedup_key="r:1:2026-03") == []


async def test_two_workers_process_an_update_once(store: Store) -> None:
    app = App(store, build_registry())
    first, second = Pipeline(app, Offline()), Pipeline(app, Offline())
    await first.ingest([update(1, "/start")])
    with store.session() as s:
        row_id = delivery.pending_inbound(s, "telegram")[0].id or 0
    from bot.channels.platform import Pending

    row = Pending(row_id, 0, update(1, "/start"), None)
    await asyncio.gather(first.process([row]), second.process([row]))
    replies = outbox(store)
    assert len(replies) == 1 and replies[0].priority == 0
    assert replies[0].payload["text"].startswith("Xin chào")


async def test_a_failing_handler_leaves_nothing_half_done(store: Store) -> None:
    def broken(ctx: Context, args: str) -> list[Outgoing]:
        ctx.user.language = "en"
        ctx.session.add(ctx.user)
        ctx.session.flush()
        raise RuntimeError("bug")

    app = App(store, build_registry())
    app.registry.commands.append(Command(("hong",), broken))
    pipeline = Pipeline(app, Offline())
    await pipeline.ingest([update(5, "/hong")])
    assert await pipeline.process_pending() == 1
    replies = outbox(store)
    assert len(replies) == 1 and replies[0].payload["text"].startswith("Xin lỗi")
    with store.session() as s:
        assert s.exec(select(User.language).where(User.handle.is_(None))).all() == ["vi"]  # type: ignore[union-attr]
        assert s.exec(select(func.count()).select_from(InboundUpdate).where(
            InboundUpdate.status == UpdateStatus.PENDING)).one() == 0


async def test_a_redelivered_update_has_no_second_effect(store: Store) -> None:
    pipeline = Pipeline(App(store, build_registry()), Offline())
    assert len(await pipeline.ingest([update(7, "/start")])) == 1
    await pipeline.process_pending()
    assert await pipeline.ingest([update(7, "/start")]) == []  # acknowledged, not processed
    assert await pipeline.process_pending() == 0
    assert len(outbox(store)) == 1


async def test_replies_are_rendered_for_the_platform(store: Store) -> None:
    pipeline = Pipeline(App(store, build_registry()), Offline())
    await pipeline.ingest([update(9, "/ngonngu")])
    await pipeline.process_pending()
    payload = outbox(store)[0].payload
    assert payload["kind"] == "text" and payload["keyboard"][0][0]["callback_data"]
    assert TELEGRAM.native_buttons


@pytest.mark.postgres
async def test_a_raced_step_is_redone_whole_and_its_state_kept(pg_store: Store,
                                                                monkeypatch) -> None:
    """Another process moves the conversation on between this step's read and its write
    (PostgreSQL: SQLite takes its write lock up front, so there it cannot happen): the step
    is redone in a fresh transaction; the stored conversation holds the redone step (not
    only the reply), and the reply is queued once."""
    store = pg_store
    from sqlalchemy import update as sql_update

    import bot.core.app as core
    from storage.models import Conversation

    # a fixed clock outside the autumn review season: the first question is rural / urban
    pipeline = Pipeline(App(store, build_registry(), clock=lambda: NOW), Offline())
    await pipeline.ingest([update(20, "/tudanhgia")])
    await pipeline.process_pending()
    real, calls = core.save_conversation, {"n": 0}

    def raced(conn: Any, chat: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:  # someone else commits a newer version of this chat first
            with store.engine.begin() as other:
                other.execute(sql_update(Conversation).where(Conversation.id == chat.id)
                              .values(version=Conversation.version + 1))
        real(conn, chat)

    monkeypatch.setattr(core, "save_conversation", raced)
    await pipeline.ingest([update(21, "1")])  # "1": the first button, rural
    await pipeline.process_pending()
    assert calls["n"] == 2
    with store.session() as s:
        [conv] = s.exec(select(Conversation)).all()
        assert conv.dialog is not None and conv.dialog["answers"].get("area") == "rural"
        assert conv.dialog["step"] == "people"
        assert s.exec(select(func.count()).select_from(InboundUpdate).where(
            InboundUpdate.status == UpdateStatus.PENDING)).one() == 0
    asked = [m for m in outbox(store) if "bao nhiêu người" in m.payload.get("text", "")]
    assert len(asked) == 1


def album_part(update_id: int, user: int = 88, group: str = "g-1") -> RawUpdate:
    sender = {"id": user, "is_bot": False, "first_name": "Mai"}
    return Offline().raw({"update_id": update_id, "message": {
        "message_id": update_id, "date": 1_773_000_000, "from": sender, "media_group_id": group,
        "chat": {"id": user, "type": "private"},
        "photo": [{"file_id": f"small-{update_id}"}, {"file_id": f"big-{update_id}"}]}})


async def test_an_album_waits_until_quiet_and_is_one_message_after_a_restart(
        store: Store) -> None:
    """Its parts are held (durably) until none came for a while; the chat's next message
    waits behind it; after a restart the album is still answered once, with every photo."""
    from bot.base.messages import Photo, Text
    from tests.channels.harness import spy

    app = App(store, build_registry())
    seen = spy(app)
    before = Pipeline(app, Offline(), clock=lambda: NOW, album_quiet=60)
    await before.ingest([album_part(30), album_part(31), update(32, "/trogiup"),
                         update(33, "/start", user=99)])
    assert await before.process_pending() == 1  # only the other person's /start
    assert [m.key.chat_id for m in seen] == ["99"]
    after = Pipeline(app, Offline(), clock=lambda: NOW + timedelta(minutes=2))  # restarted
    assert await after.process_pending() == 2
    mine = [m.content for m in seen if m.key.chat_id == "88"]
    assert mine == [Photo(("big-30", "big-31")), Text("/trogiup")]
    assert len([m for m in outbox(store) if m.chat_id == "88"]) == 2  # one reply each


async def test_an_update_that_keeps_failing_is_set_aside_with_its_content(store: Store) -> None:
    class Broken(Offline):
        def incoming(self, update: RawUpdate) -> Any:
            raise RuntimeError("a reading bug")

    pipeline = Pipeline(App(store, build_registry()), Broken())
    await pipeline.ingest([update(40, "/start")])
    for _ in range(5):
        with pytest.raises(RuntimeError):
            await pipeline.process_pending()
    assert await pipeline.process_pending() == 1  # the sixth time it is set aside
    with store.session() as s:
        row = s.exec(select(InboundUpdate)).one()
    assert row.status == UpdateStatus.SET_ASIDE and row.reason == "failed 5 times"
    assert row.payload["message"]["text"] == "/start"  # kept for an officer to see
    assert await pipeline.process_pending() == 0
