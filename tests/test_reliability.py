"""Flood control, optimistic concurrency, and an unwritable database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event

from bot.base.messages import ConversationKey, Incoming, Text
from bot.core.app import App
from bot.core.flood import FloodGate
from handlers import build_registry
from storage.repo import StorageUnavailable, Store


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_flooding_user_slows_only_themselves(store: Store, clock) -> None:
    ticks = Ticks()
    app = App(store, build_registry(), clock=clock,
              flood=FloodGate(burst=8, per_second=1.0, clock=ticks))
    flooder = ConversationKey("telegram", "1", "1")
    calm = ConversationKey("telegram", "2", "2")
    answered = [app.handle(Incoming(flooder, Text("/start"))) for _ in range(100)]
    assert sum(1 for r in answered if r and r[0].text.startswith("Xin chào")) == 8
    warnings = [r for r in answered if r and "nhanh quá" in r[0].text]
    assert len(warnings) == 1  # told once, the rest silently dropped
    assert app.handle(Incoming(calm, Text("/start")))[0].text.startswith("Xin chào")
    ticks.now += 3  # three seconds later: three more
    again = [app.handle(Incoming(flooder, Text("/start"))) for _ in range(5)]
    assert sum(1 for r in again if r and r[0].text.startswith("Xin chào")) == 3


def test_concurrent_step_is_redone_not_lost(store: Store, clock, monkeypatch) -> None:
    """If another process moved the conversation on meanwhile, the step is redone."""
    import storage.repo as repo

    app = App(store, build_registry(), clock=clock)
    key = ConversationKey("memory", "ctv-demo", "ctv-demo")
    app.handle(Incoming(key, Text("/tudanhgia")))
    real = repo.save_conversation
    calls = {"n": 0}

    def racing(session, conv):
        calls["n"] += 1
        if calls["n"] == 1:  # someone else committed first
            raise repo.ConcurrentUpdate("x")
        real(session, conv)

    monkeypatch.setattr("bot.core.app.save_conversation", racing)
    replies = app.handle(Incoming(key, Text("1")))
    assert calls["n"] == 2 and "bao nhiêu người" in replies[0].text


def test_unwritable_sqlite_raises_storage_unavailable(tmp_path: Path, clock) -> None:
    """SQLite made read-only under the bot: nothing is acknowledged, then all works again."""
    store = Store.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    app = App(store, build_registry(), clock=clock)
    key = ConversationKey("memory", "u", "u")

    def read_only(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA query_only=ON")

    event.listen(store.engine, "connect", read_only)
    store.engine.dispose()
    with pytest.raises(StorageUnavailable):
        app.handle(Incoming(key, Text("/tudanhgia")))
    event.remove(store.engine, "connect", read_only)
    store.engine.dispose()
    assert "nông thôn" in app.handle(Incoming(key, Text("/tudanhgia")))[-1].text


def test_storage_outage_is_reported_not_hidden(store: Store, clock, monkeypatch) -> None:
    from sqlalchemy.exc import OperationalError

    app = App(store, build_registry(), clock=clock)

    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("server closed"))

    monkeypatch.setattr("bot.core.app.load_chat", down)
    with pytest.raises(StorageUnavailable):
        app.handle(Incoming(ConversationKey("telegram", "9", "9"), Text("/start")))


def test_a_backlog_is_not_a_flood_but_a_burst_is(store: Store, clock) -> None:
    """The gate reads when each message was sent: ten messages sent a minute apart and
    processed at once (after a restart, say) all pass; twenty sent in one second do not."""
    from datetime import timedelta

    app = App(store, build_registry(), clock=clock, flood=FloodGate(burst=8, per_second=1.0))
    start = clock()
    patient = ConversationKey("telegram", "3", "3")
    late = [app.handle(Incoming(patient, Text("/start"), sent_at=start + timedelta(minutes=i)))
            for i in range(10)]
    assert all(r and r[0].text.startswith("Xin chào") for r in late)
    hasty = ConversationKey("telegram", "4", "4")
    burst = [app.handle(Incoming(hasty, Text("/start"), sent_at=start)) for _ in range(20)]
    assert sum(1 for r in burst if r and r[0].text.startswith("Xin chào")) == 8
