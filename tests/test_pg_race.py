"""Two real bot processes race on one PostgreSQL schema.

Both run the real ``Runtime`` (``tests/channels/race_worker.py``): each one's ``getUpdates``
hands out the same 200 citizen messages, each one plans the same broadcast (same dedup keys),
and each one's outbox sender works the same outbox against a transport that records what it
sent into a file of its own. They start together (a file barrier).

Expected: every update is processed exactly once (one process queued its replies, once, the
same replies a single process queues), every outbox message is sent exactly once across both
processes (union = all, intersection = empty), nothing is lost.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import func, select

from bot.channels.pipeline import Pipeline
from bot.core.app import App
from handlers import build_registry
from storage.models import (
    InboundUpdate,
    MessageLog,
    OutboxMessage,
    OutboxStatus,
    UpdateStatus,
)
from storage.repo import Store
from tests.channels.race_worker import BROADCAST, RacePlatform

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[1]
USERS = 40
PER_USER = 5
FIRST_UPDATE = 50_000
FIRST_USER = 700_000
TIMEOUT = 120.0  # a guard against hanging, not a speed requirement
QUESTIONS = ["hộ cận nghèo có được hỗ trợ bảo hiểm y tế không", "vay vốn ngân hàng chính sách",
             "ho ngheo duoc ho tro gi", "hỗ trợ nhà ở cho hộ nghèo", "học nghề miễn phí"]
NAMES = ("a", "b")


def citizen_updates() -> list[dict[str, Any]]:
    """200 messages from 40 citizens, interleaved: /start, questions, /trogiup."""
    updates: list[dict[str, Any]] = []
    for turn in range(PER_USER):
        for k in range(USERS):
            texts = ["/start", QUESTIONS[k % 5], QUESTIONS[(k + 1) % 5], "/trogiup",
                     QUESTIONS[(k + 3) % 5]]
            user = FIRST_USER + k
            update_id = FIRST_UPDATE + len(updates)
            sender = {"id": user, "is_bot": False, "first_name": "Lan", "language_code": "vi"}
            message: dict[str, Any] = {"message_id": update_id, "date": 1_773_000_000,
                                       "text": texts[turn], "from": sender,
                                       "chat": {"id": user, "type": "private"}}
            if texts[turn].startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0,
                                        "length": len(texts[turn])}]
            updates.append({"update_id": update_id, "message": message})
    return updates


def reference_replies(updates: list[dict[str, Any]], tmp: Path) -> dict[str, list[str]]:
    """What one process alone queues for these updates (SQLite): chat → reply texts."""
    store = Store.open(f"sqlite:///{tmp / 'reference.db'}")
    platform = RacePlatform(updates, store, "ref", "none", sys.stdout)
    pipeline = Pipeline(App(store, build_registry()), platform)

    async def process() -> None:
        await pipeline.ingest([platform.raw(u) for u in updates])
        while await pipeline.process_pending():
            pass

    asyncio.run(process())
    try:
        return replies_by_chat(store)
    finally:
        store.engine.dispose()


def replies_by_chat(store: Store) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    with store.session() as s:
        for m in s.exec(select(OutboxMessage).where(OutboxMessage.priority == 0)
                        .order_by(OutboxMessage.id)):  # type: ignore[arg-type]
            found[m.chat_id].append(str(m.payload.get("text")))
    return dict(found)


def start_workers(url: str, work: Path) -> list[subprocess.Popen[bytes]]:
    procs = []
    for name, other in (NAMES, NAMES[::-1]):
        with (work / f"log-{name}").open("wb") as log:
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "tests.channels.race_worker", url,
                 str(work / "updates.json"), str(work), name, other],
                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))
    return procs


def logs(work: Path) -> str:
    return "\n".join(f"--- {n}:\n" + (work / f"log-{n}").read_text(errors="replace")[-2000:]
                     for n in NAMES)


def race(url: str, work: Path) -> None:
    """Start both workers, release them together, wait until both are done."""
    procs = start_workers(url, work)
    try:
        deadline = time.monotonic() + TIMEOUT
        while not all((work / f"ready-{n}").exists() for n in NAMES):
            if any(p.poll() is not None for p in procs) or time.monotonic() > deadline:
                pytest.fail(f"a worker did not get ready:\n{logs(work)}")
            time.sleep(0.01)
        (work / "go").touch()
        for proc in procs:
            try:
                code = proc.wait(max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pytest.fail(f"a worker did not finish:\n{logs(work)}")
            assert code == 0, f"a worker failed ({code}):\n{logs(work)}"
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait(10)


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_two_processes_share_updates_and_outbox_exactly_once(pg_url: str,
                                                             tmp_path: Path) -> None:
    workdir = tmp_path / "race"
    workdir.mkdir()
    updates = citizen_updates()
    (workdir / "updates.json").write_text(json.dumps(updates, ensure_ascii=False),
                                          encoding="utf-8")
    expected_replies = reference_replies(updates, tmp_path)
    store = Store.open(pg_url)  # schema and reference data, before the race
    try:
        race(pg_url, workdir)
        check_inbound(store, workdir, updates, expected_replies)
        check_outbox(store, workdir)
    finally:
        store.engine.dispose()


def check_inbound(store: Store, work: Path, updates: list[dict[str, Any]],
                  expected_replies: dict[str, list[str]]) -> None:
    ids = {str(u["update_id"]) for u in updates}
    processed = {n: lines(work / f"processed-{n}") for n in NAMES}
    for name, done in processed.items():
        assert len(done) == len(set(done)), f"{name} processed an update twice"
    assert set(processed["a"]) | set(processed["b"]) == ids, "an update was never processed"
    assert not set(processed["a"]) & set(processed["b"]), "an update was processed twice"
    with store.session() as s:
        inbound = s.exec(select(InboundUpdate)).all()
        assert sorted(u.update_id for u in inbound) == sorted(ids)  # stored once each
        assert {u.status for u in inbound} == {UpdateStatus.DONE}
        logged = s.exec(select(func.count()).select_from(MessageLog).where(
            MessageLog.direction == "in")).one()
        assert logged == len(updates)  # one exchange logged per update
    assert replies_by_chat(store) == expected_replies  # one set of replies per update


def check_outbox(store: Store, work: Path) -> None:
    sent = {n: [json.loads(line) for line in lines(work / f"sent-{n}")] for n in NAMES}
    by_process = {n: [r["id"] for r in records] for n, records in sent.items()}
    for name, got in by_process.items():
        assert len(got) == len(set(got)), f"{name} sent a message twice"
        assert got, f"{name} sent nothing: the senders did not race"
    with store.session() as s:
        rows = {m.id: m for m in s.exec(select(OutboxMessage)) if m.id is not None}
    union = set(by_process["a"]) | set(by_process["b"])
    assert not set(by_process["a"]) & set(by_process["b"]), "a message was sent by both"
    assert union == set(rows), f"never sent: {sorted(set(rows) - union)[:10]}"
    for name, records in sent.items():
        for r in records:
            row = rows[r["id"]]
            assert row.status == OutboxStatus.SENT
            assert row.platform_message_id == f"{name}:{r['id']}"  # marked by its sender
            assert (row.chat_id, row.payload.get("text")) == (r["chat"], r["text"])
    keys = Counter(m.dedup_key for m in rows.values() if m.dedup_key is not None)
    assert len(keys) == BROADCAST and set(keys.values()) == {1}  # planned twice, kept once
