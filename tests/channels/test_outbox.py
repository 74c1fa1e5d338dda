"""The outbox sender with a scripted transport and a fake clock (no waiting, no network).

Run on SQLite and, where a server answers, on PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.base.messages import ConversationKey
from scheduler.limits import Limits, Pacer
from scheduler.outbox import Blocked, Rejected, RetryAfter, Sender, Transient
from storage import delivery
from storage.models import ChannelPause, OutboxMessage, OutboxStatus, User
from storage.repo import Store, user_for


class FakeTime:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
        self.mono = 1000.0

    def clock(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.mono

    async def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.now += timedelta(seconds=seconds)


class Scripted:
    """Sends by recording; ``script`` holds errors to raise (None: succeed) in order."""

    channel = "telegram"

    def __init__(self, *script: Exception | None) -> None:
        self.script, self.sent, self.tried = list(script), [], []

    async def send(self, msg: OutboxMessage) -> str:
        self.tried.append(msg.payload["text"])
        error = self.script.pop(0) if self.script else None
        if error is not None:
            raise error
        self.sent.append(msg.payload["text"])
        return str(len(self.sent))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        yield Store.open(f"sqlite:///{tmp_path / 'outbox.db'}")
    else:
        yield request.getfixturevalue("pg_store")


@pytest.fixture
def time() -> FakeTime:
    return FakeTime()


def sender(store: Store, transport: Any, time: FakeTime, name: str | None = None,
           **limits: Any) -> Sender:
    return Sender(store, transport, Limits(**{"rate_per_s": 25, **limits}), name=name,
                  clock=time.clock, monotonic=time.monotonic, sleep=time.sleep)


def queue(store: Store, time: FakeTime, texts: list[str], priority: int = 2,
          chat: str | None = None, user_id: int | None = None) -> None:
    with store.session() as s:
        for text in texts:
            delivery.enqueue(s, "telegram", chat or f"chat-{text}", [{"kind": "text",
                                                                      "text": text}],
                             now=time.now, priority=priority, user_id=user_id)


def statuses(store: Store) -> dict[str, str]:
    with store.session() as s:
        return {m.payload["text"]: m.status for m in s.exec(select(OutboxMessage))}


async def test_replies_go_before_broadcasts(store: Store, time: FakeTime) -> None:
    queue(store, time, [f"b{i}" for i in range(60)])
    out = Scripted()
    s = sender(store, out, time)
    await s._refill()  # a broadcast batch is claimed ...
    queue(store, time, ["reply"], priority=0)
    s.notify(reply=True)  # ... then a user is answered
    await s.send_due()
    assert out.sent[0] == "reply"
    assert out.sent[1:] == [f"b{i}" for i in range(len(out.sent) - 1)]


async def test_a_429_pauses_every_sender_for_its_retry_after(store: Store,
                                                             time: FakeTime) -> None:
    queue(store, time, ["m1", "m2", "m3", "m4"])
    first, second = Scripted(RetryAfter(7)), Scripted()
    a, b = sender(store, first, time, name="a"), sender(store, second, time, name="b")
    assert await a.send_due() == 1  # m1: 429, retry after 7 s
    with store.session() as s:
        assert s.get(ChannelPause, "telegram").paused_until == time.now + timedelta(seconds=7)
    assert await b.send_due() == 0 and await a.send_due() == 0
    time.advance(6.9)
    assert await b.send_due() == 0 and await a.send_due() == 0
    time.advance(0.2)
    await b.send_due()
    assert second.sent == ["m1", "m2", "m3", "m4"] and first.sent == []
    assert set(statuses(store).values()) == {OutboxStatus.SENT}


async def test_transient_errors_are_retried_with_backoff(store: Store, time: FakeTime) -> None:
    queue(store, time, ["m"])
    out = Scripted(Transient("timeout"), Transient("502"))
    s = sender(store, out, time, backoff_s=2.0)
    await s.send_due()
    assert await s.send_due() == 0  # not before about 2 s
    time.advance(2.5)
    await s.send_due()  # fails again: now about 4 s
    time.advance(2.5)
    assert await s.send_due() == 0
    time.advance(2.5)
    await s.send_due()
    assert out.tried == ["m", "m", "m"] and out.sent == ["m"]
    with store.session() as ses:
        row = ses.exec(select(OutboxMessage)).one()
        assert (row.status, row.attempts, row.platform_message_id) == ("sent", 3, "1")


async def test_gives_up_after_max_attempts(store: Store, time: FakeTime) -> None:
    queue(store, time, ["m"])
    s = sender(store, Scripted(Transient("x"), Transient("x")), time, max_attempts=2)
    await s.send_due()
    time.advance(10)
    await s.send_due()
    assert statuses(store) == {"m": OutboxStatus.FAILED}


async def test_blocked_is_final_and_marks_the_user_unreachable(store: Store,
                                                               time: FakeTime) -> None:
    with store.session() as s:
        user_id = user_for(s, ConversationKey("telegram", "42", "42"), "vi").id
    queue(store, time, ["m"], chat="42", user_id=user_id)
    queue(store, time, ["bad"])
    out = Scripted(Blocked("blocked"), Rejected("message is too long"))
    s = sender(store, out, time)
    await s.send_due()
    time.advance(60)
    assert await s.send_due() == 0
    assert statuses(store) == {"m": OutboxStatus.FAILED, "bad": OutboxStatus.FAILED}
    with store.session() as ses:
        assert ses.get(User, user_id).reachable is False


async def test_a_crash_repeats_only_the_message_in_flight(store: Store, time: FakeTime) -> None:
    """Telegram has no idempotency key: a crash after sending, before marking, repeats that
    message once the lease lapses, and no other."""
    queue(store, time, ["m1", "m2", "m3", "m4"])
    platform: list[str] = []

    class Crashing(Scripted):
        async def send(self, msg: OutboxMessage) -> str:
            platform.append(msg.payload["text"])
            if msg.payload["text"] == "m2":
                raise asyncio.CancelledError  # the process dies right after sending m2
            return "1"

    crashed = sender(store, Crashing(), time, lease_s=60)
    with pytest.raises(asyncio.CancelledError):
        await crashed.send_due()
    survivor = Scripted()
    assert await sender(store, survivor, time).send_due() == 0  # m2..m4 are still leased
    time.advance(61)
    await sender(store, survivor, time).send_due()
    platform += survivor.sent
    assert sorted(platform) == ["m1", "m2", "m2", "m3", "m4"]


async def test_a_chat_keeps_its_order_after_a_transient_error(store: Store,
                                                              time: FakeTime) -> None:
    queue(store, time, ["first", "second"], chat="7")
    out = Scripted(Transient("timeout"))
    s = sender(store, out, time, chat_interval_s=0)
    await s.send_due()
    assert out.sent == []  # "second" waits for "first"
    time.advance(5)
    await s.send_due()
    assert out.sent == ["first", "second"]


async def test_monthly_cap_lets_only_replies_through(store: Store, time: FakeTime) -> None:
    queue(store, time, ["old1", "old2"])
    await sender(store, Scripted(), time).send_due()
    queue(store, time, ["news"])
    queue(store, time, ["reply"], priority=0)
    out = Scripted()
    await sender(store, out, time, monthly_cap=2).send_due()
    assert out.sent == ["reply"] and statuses(store)["news"] == OutboxStatus.PENDING


async def test_two_running_senders_send_each_message_once(store: Store) -> None:
    """Real time and real concurrency: nothing lost, nothing doubled."""
    with store.session() as s:
        for i in range(150):
            delivery.enqueue(s, "telegram", f"c{i}", [{"kind": "text", "text": f"m{i}"}],
                             now=datetime.now(UTC), priority=2)
    outs = [Scripted(*([Transient("flaky")] if k == 0 else [])) for k in range(2)]
    limits = Limits(rate_per_s=400, chat_interval_s=0, backoff_s=0.05, poll_s=0.05)
    senders = [Sender(store, out, limits, name=f"s{k}") for k, out in enumerate(outs)]
    tasks = [asyncio.create_task(s.run()) for s in senders]
    for _ in range(3000):
        if sum(len(o.sent) for o in outs) >= 150:
            break
        await asyncio.sleep(0.01)
    for s in senders:
        s.stop()
    await asyncio.gather(*tasks)
    sent = [m for o in outs for m in o.sent]
    assert sorted(sent) == sorted(f"m{i}" for i in range(150))


def test_claims_never_overlap(store: Store) -> None:
    now = datetime.now(UTC)
    with store.session() as s:
        for i in range(100):
            delivery.enqueue(s, "telegram", f"c{i}", [{"kind": "text", "text": str(i)}], now=now)

    def claim(worker: str) -> list[int]:
        got: list[int] = []
        while batch := delivery.claim(store.engine, "telegram", worker, now,
                                      timedelta(seconds=60), 7):
            got += [m.id for m in batch if m.id is not None]
        return got

    with ThreadPoolExecutor(4) as pool:
        claimed = list(pool.map(claim, ["w1", "w2", "w3", "w4"]))
    everything = [i for c in claimed for i in c]
    assert len(everything) == len(set(everything)) == 100


async def slots(pacer: Pacer, count: int, answered: bool = True) -> None:
    for _ in range(count):
        await pacer.slot()
        pacer.start()
        if answered:
            pacer.finished("chat")


async def test_pacing_spaces_sends_and_catches_up_only_a_little() -> None:
    time = FakeTime()
    pacer = Pacer(Limits(rate_per_s=10, chat_interval_s=1.0), time.monotonic, time.sleep)
    start = time.mono
    await slots(pacer, 21)  # the first two at once (CATCH_UP is 0.1 s), then 0.1 s apart
    assert time.mono - start == pytest.approx(1.9)
    time.advance(5)  # idle: no more than CATCH_UP of lateness is made up
    start = time.mono
    await slots(pacer, 12)
    assert time.mono - start == pytest.approx(1.0)
    assert not pacer.chat_free("chat")
    time.advance(1.0)
    assert pacer.chat_free("chat")


async def test_the_window_counts_messages_until_a_second_after_their_answer() -> None:
    """Whatever the network delays, the platform never sees more than rate + 1 in a second."""
    time = FakeTime()
    pacer = Pacer(Limits(rate_per_s=4), time.monotonic, time.sleep)
    await slots(pacer, 5, answered=False)  # five in flight: the window (4 + 1) is full
    assert pacer.wait_time() > 0
    time.advance(3)  # the platform is slow ...
    assert pacer.wait_time() > 0  # ... and unanswered messages still count
    pacer.finished("a")  # answered now: it counts for one more second
    time.advance(0.99)
    assert pacer.wait_time() == pytest.approx(0.01)
    time.advance(0.01)
    assert pacer.wait_time() == 0
