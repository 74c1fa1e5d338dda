"""A sender process killed with SIGKILL in the middle of a fan-out, then a new one.

Real processes: the fake Telegram server (``gated_fake``) and the outbox sender
(``crash_sender``, the real aiogram adapter) each run alone. The fake records every message it
accepts. Its gate holds back the answers to everything after the first ``hold`` messages, so
the sender stalls with all its in-flight slots taken by messages the platform already has:
the test kills it there (a point reached by counting, not by timing), starts a new sender on
the same SQLite file, and lets it run until the outbox is empty. A third case kills the sender
at full speed, wherever it happens to be; the same rules must hold.

"In flight" is read from the outbox right after the kill: rows the dead sender claimed and
did not mark sent.

Expected (Telegram has no idempotency key): nothing is lost; a message is repeated only if
it was claimed and accepted by the platform but not yet marked sent at the crash; without a
crash nothing is repeated.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from storage import delivery
from storage.models import OutboxMessage, OutboxStatus
from storage.repo import Store

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 300
IN_FLIGHT = 8  # the sender's max_in_flight: how many answers the gate ends up holding
RATE = 200.0  # messages a second: a fast fan-out
KILL_RUNNING_AT = 100  # the free-running sender is killed once the platform has this many
LEASE = 3.0  # seconds; the new sender takes over the dead one's claims after this
TIMEOUT = 45.0  # a guard against hanging, not a speed requirement
FIRST_CHAT = 9_000_000
TEXT = "Thông báo #{i}: họp thôn lúc 8 giờ sáng Chủ nhật tại nhà văn hoá."


class Fake:
    """The gated fake Bot API server in its own process."""

    def __init__(self, processes: list[subprocess.Popen[Any]], hold_after: int | None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.channels.gated_fake",
             str(-1 if hold_after is None else hold_after)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True)
        processes.append(self.proc)  # killed at the end, even if it never answers
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        self.root = self.url.removesuffix("/bot")
        assert self.url.startswith("http://127.0.0.1:"), "the fake server did not start"

    def _call(self, method: str, path: str) -> Any:
        request = urllib.request.Request(self.root + path, method=method)
        with urllib.request.urlopen(request, timeout=TIMEOUT) as resp:
            return json.loads(resp.read())

    def sent(self) -> list[tuple[str, str]]:
        return [(chat, text) for chat, text in self._call("GET", "/_fake/sent")["sent"]]

    def open(self) -> None:
        self._call("POST", "/_fake/open")


@dataclass
class Worker:
    proc: subprocess.Popen[bytes]
    name: str
    log: Path

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def stop(proc: subprocess.Popen[Any]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(10)
    if proc.stdout is not None:
        proc.stdout.close()


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[Any]]]:
    """Every process a test starts; all are killed when it ends, whatever happened."""
    started: list[subprocess.Popen[Any]] = []
    try:
        yield started
    finally:
        for proc in started:
            stop(proc)


def start_sender(processes: list[subprocess.Popen[Any]], db_url: str, fake: Fake,
                 name: str, tmp: Path, *extra: str) -> Worker:
    log = tmp / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.channels.crash_sender", db_url, fake.url,
             "--name", name, "--rate", str(RATE), "--lease", str(LEASE),
             "--in-flight", str(IN_FLIGHT), *extra],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    processes.append(proc)
    return Worker(proc, name, log)


def wait_for(condition: Callable[[], bool], what: str, worker: Worker) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if worker.proc.poll() is not None:
            pytest.fail(f"the sender ended ({worker.proc.returncode}) before {what}:\n"
                        f"{worker.tail()}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}:\n{worker.tail()}")
        time.sleep(0.02)


def run_until_empty(worker: Worker) -> None:
    try:
        code = worker.proc.wait(TIMEOUT * 2)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the sender did not empty the outbox:\n{worker.tail()}")
    assert code == 0, f"the sender failed ({code}):\n{worker.tail()}"


def fan_out(tmp: Path) -> tuple[Store, str, dict[str, str]]:
    """A fresh SQLite file with the broadcast queued; returns chat → text."""
    url = f"sqlite:///{tmp / 'fanout.db'}"
    store = Store.open(url)
    expected = {str(FIRST_CHAT + i): TEXT.format(i=i) for i in range(MESSAGES)}
    with store.session() as s:
        for chat, text in expected.items():
            delivery.enqueue(s, "telegram", chat, [{"kind": "text", "text": text}],
                             now=datetime.now(UTC), priority=2)
    return store, url, expected


def rows(store: Store) -> list[OutboxMessage]:
    with store.session() as s:
        return list(s.exec(select(OutboxMessage).order_by(OutboxMessage.id)))  # type: ignore[arg-type]


def assert_all_delivered(store: Store, sent: list[tuple[str, str]],
                         expected: dict[str, str]) -> Counter[tuple[str, str]]:
    seen = Counter(sent)
    lost = set(expected.items()) - set(seen)
    assert not lost, f"{len(lost)} messages never reached the platform: {sorted(lost)[:5]}"
    assert set(seen) <= set(expected.items()), "the platform got a message nobody queued"
    assert {m.status for m in rows(store)} == {OutboxStatus.SENT}
    return seen


def test_without_a_crash_nothing_is_repeated(tmp_path: Path,
                                             processes: list[subprocess.Popen[Any]]) -> None:
    store, url, expected = fan_out(tmp_path)
    try:
        fake = Fake(processes, None)
        run_until_empty(start_sender(processes, url, fake, "only", tmp_path, "--until-empty"))
        seen = assert_all_delivered(store, fake.sent(), expected)
        assert [m for m, n in seen.items() if n > 1] == []
        assert len(fake.sent()) == MESSAGES
    finally:
        store.engine.dispose()


@dataclass
class Crash:
    """What the platform and the outbox hold right after the kill."""

    accepted: list[tuple[str, str]]  # every message the platform has
    marked: set[tuple[str, str]]  # rows marked sent
    in_flight: set[tuple[str, str]]  # rows claimed by the dead sender, not marked sent

    @property
    def accepted_unmarked(self) -> set[tuple[str, str]]:
        return set(self.accepted) - self.marked


def kill(worker: Worker, fake: Fake, store: Store) -> Crash:
    worker.proc.send_signal(signal.SIGKILL)
    assert worker.proc.wait(10) == -signal.SIGKILL
    accepted = fake.sent()
    crashed = rows(store)
    return Crash(
        accepted,
        {(m.chat_id, m.payload["text"]) for m in crashed if m.status == OutboxStatus.SENT},
        {(m.chat_id, m.payload["text"]) for m in crashed
         if m.status == OutboxStatus.PENDING and m.claimed_by == worker.name})


@pytest.mark.parametrize("hold", [40, 170, None], ids=["stalled-early", "stalled-late",
                                                       "running"])
def test_a_killed_sender_repeats_only_what_was_in_flight(
        hold: int | None, tmp_path: Path, processes: list[subprocess.Popen[Any]]) -> None:
    """``stalled-*``: killed with every slot holding a send the platform accepted but did not
    answer (a point reached by counting). ``running``: killed at full speed, wherever it is
    (claiming, sending, marking); the same rules hold, only the exact point is unknown."""
    store, url, expected = fan_out(tmp_path)
    try:
        fake = Fake(processes, hold)
        first = start_sender(processes, url, fake, "first", tmp_path)
        reached = KILL_RUNNING_AT if hold is None else hold + IN_FLIGHT
        wait_for(lambda: len(fake.sent()) >= reached, f"{reached} messages at the platform",
                 first)
        crash = kill(first, fake, store)
        assert len(crash.accepted) >= reached
        assert crash.marked <= set(crash.accepted)  # marked only after the platform had it
        assert crash.accepted_unmarked <= crash.in_flight
        if hold is not None:  # stalled: every slot holds an unanswered send
            assert len(crash.accepted) == hold + IN_FLIGHT < MESSAGES
            assert len(crash.accepted_unmarked) >= IN_FLIGHT

        fake.open()
        run_until_empty(start_sender(processes, url, fake, "second", tmp_path,
                                     "--until-empty"))
        seen = assert_all_delivered(store, fake.sent(), expected)
        repeated = {m for m, n in seen.items() if n > 1}
        assert max(seen.values()) <= 2
        assert repeated <= crash.in_flight, "a message not in flight at the crash was repeated"
        assert len(repeated) <= len(crash.in_flight)
        assert crash.accepted_unmarked <= repeated  # the platform's, unmarked: sent again
        if hold is not None:  # nothing was on its way to the platform when it died
            assert repeated == crash.accepted_unmarked
    finally:
        store.engine.dispose()
