"""Dialog throughput benchmark: thousands of collaborators filling in /hogiadinh at once.

    python bench/dialogs.py [--users 2000] [--outbox-every-ms 5] [--profile FILE]

Every simulated collaborator (User + Identity rows bound to the demo villages) completes one
household-update dialog through the real core: ``App.handle`` with the memory channel key,
the router, the dialog engine, translations, durable conversation state and the message log,
in SQLite on disk (a temporary directory), one process. Users are interleaved round-robin,
one step each, while a thread writes outbox rows (``storage.delivery.enqueue``) every few ms.

Also measured in the same run: the ceiling ``raw_commits_per_s``, plain sqlite3 writing one
row the size of a dialog state and committing, with the app's pragmas (WAL,
synchronous=NORMAL, busy_timeout). Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import logging
import pstats
import random
import sqlite3
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.base.clock import local
from bot.base.messages import Text
from handlers import build_registry
from knowledge.poverty import standard_for_year

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402
from sqlmodel import func, select  # noqa: E402

from bot.base.i18n import t  # noqa: E402
from bot.base.messages import ConversationKey, Incoming, Lang, Outgoing  # noqa: E402
from bot.core.app import App  # noqa: E402
from storage.delivery import enqueue  # noqa: E402
from storage.lineage import area_for_code  # noqa: E402
from storage.models import Conversation, HouseholdUpdate, Identity, User  # noqa: E402
from storage.repo import Store  # noqa: E402

VILLAGES = ("DEMO-22783-1", "DEMO-22783-2", "DEMO-22903-1")
QUERIES = ("kator van mihn", "nguyen thi lan", "le thi hong nhung", "tran van binh")
FAMILY = ("Phạm", "Hoàng", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Chamaléa", "Ya")
MIDDLE = ("Thị", "Văn", "Đình", "Ngọc", "Minh", "Xuân")
GIVEN = ("Hạnh", "Phúc", "Sơn", "Tâm", "Nguyệt", "Quý", "Thu", "Dũng", "Yến", "Khôi")
NEW_HOUSEHOLD = "Không, đây là hộ mới"  # pressed when a likely duplicate is offered
DONE = t(Lang.VI, "household.queued").split("{")[0]
APOLOGY = t(Lang.VI, "error.unexpected")
LOCKED = "database is locked"


@dataclass
class Sim:
    key: ConversationKey
    script: deque[str]
    last: list[Outgoing] = field(default_factory=list)

    def next_input(self) -> str:
        if any(b.label == NEW_HOUSEHOLD for r in self.last for b in r.buttons):
            return NEW_HOUSEHOLD  # not from the script: the dup step comes only sometimes
        return self.script.popleft()


# The indicator questions of this year's standard (the app runs on the real clock).
QUESTIONS = len(standard_for_year(local(datetime.now(UTC)).year).codes)


def script(rng: random.Random) -> list[str]:
    """One household update: find or add, an event, household size, income, the questions."""
    kind = rng.random()
    if kind < 0.1:  # the household moved away: the short path
        return ["/hogiadinh", "1", rng.choice(QUERIES), "1", "5", "1"]
    if kind < 0.55:
        start = ["/hogiadinh", "1", rng.choice(QUERIES), "1"]
    else:
        start = ["/hogiadinh", "2", " ".join(rng.choice(p) for p in (FAMILY, MIDDLE, GIVEN))]
    income = rng.choice(["8 triệu", "900 nghìn", "1tr5", "2.500.000"])
    answers = [rng.choice("12") for _ in range(QUESTIONS)]  # "1" (Có): deprived
    return [*start, str(rng.randint(1, 4)), *members(rng), "1", income, *answers, "1"]


def members(rng: random.Random) -> list[str]:
    """The members, one by one (add, name, relation, year), then "Done": the menu's buttons
    are add, then edit/remove per member, then done."""
    count, lines = rng.randint(1, 6), []
    for _ in range(count):
        lines += ["1", rng.choice(GIVEN), str(rng.randint(1, 6)), str(rng.randint(1940, 2024))]
    return [*lines, str(2 * count + 2)]


def make_users(store: Store, count: int, rng: random.Random) -> list[Sim]:
    with store.session() as s:
        areas = [getattr(area_for_code(s, c), "id", None) for c in VILLAGES]
        users = [User(role="collaborator", area_id=areas[i % len(areas)], language="vi")
                 for i in range(count)]
        s.add_all(users)
        s.flush()
        s.add_all([Identity(channel="memory", external_id=f"bench-{i}", user_id=u.id)
                   for i, u in enumerate(users) if u.id is not None])
    return [Sim(ConversationKey("memory", f"bench-{i}", f"bench-{i}"), deque(script(rng)))
            for i in range(count)]


class Locks(logging.Handler):
    """Counts "database is locked" in log records and in errors the engine handles."""

    def __init__(self, store: Store) -> None:
        super().__init__(logging.DEBUG)
        self.seen = 0
        event.listen(store.engine, "handle_error", self._engine_error)

    def _engine_error(self, context: Any) -> None:
        if LOCKED in str(context.original_exception):
            self.seen += 1

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage() + (logging.Formatter().formatException(record.exc_info)
                                      if record.exc_info else "")
        self.seen += text.count(LOCKED)


class OutboxWriter(threading.Thread):
    """Another writer at the same time: one outbox row every ``every_s`` seconds."""

    def __init__(self, store: Store, every_s: float) -> None:
        super().__init__(daemon=True)
        self.store, self.every_s, self.rows, self.locked = store, every_s, 0, 0
        self.stop, self.latencies = threading.Event(), [0.0]
        self.started = self.ended = time.perf_counter()

    def run(self) -> None:
        payload = {"kind": "text", "text": "Nhắc báo cáo tháng này " + "x" * 200}
        self.started = time.perf_counter()
        while not self.stop.wait(self.every_s):
            t0 = time.perf_counter()
            try:
                with self.store.session() as s:
                    enqueue(s, "telegram", str(100000 + self.rows), [payload],
                            now=datetime.now(UTC), priority=2)
                self.rows += 1
            except Exception as err:
                self.locked += LOCKED in str(err)
            self.latencies.append(time.perf_counter() - t0)
        self.ended = time.perf_counter()


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    completed: int = 0
    errors: int = 0
    wall_s: float = 0.0
    state_json: str = ""


def drive(app: App, sims: list[Sim], report_every: int) -> Run:
    """Round-robin: every user still in a dialog takes one step, until all are done."""
    run, active, started = Run(), list(sims), time.perf_counter()
    expected = sum(len(s.script) for s in sims)
    while active:
        for sim in active:
            inp = sim.next_input()
            t0 = time.perf_counter()
            try:
                sim.last = app.handle(Incoming(sim.key, Text(inp)))
            except Exception:
                run.errors += 1
                sim.last = []
            run.latencies.append(time.perf_counter() - t0)
            run.errors += any(APOLOGY in r.text for r in sim.last)
            if not sim.script:
                run.completed += any(r.text.startswith(DONE) for r in sim.last)
            if len(run.latencies) % report_every == 0:
                rate = len(run.latencies) / (time.perf_counter() - started)
                print(f"  {len(run.latencies):>7}/{expected} steps  {rate:7.0f} steps/s  "
                      f"{run.completed} dialogs done", flush=True)
            if len(run.latencies) == len(sims) * 10 and not run.state_json:
                run.state_json = state_of(app, sim.key)
        active = [s for s in active if s.script]
    run.wall_s = time.perf_counter() - started
    return run


def state_of(app: App, key: ConversationKey) -> str:
    with app.store.session() as s:
        conv = s.exec(select(Conversation).where(Conversation.chat_id == key.chat_id)).one()
        return json.dumps(conv.dialog, ensure_ascii=False)


def raw_commits(path: Path, real: str, rows: int, seconds: float = 3.0) -> tuple[float, int]:
    """Plain sqlite3, the app's pragmas: update one row (a dialog state, padded to 1.5 KB
    when the real one is smaller) and commit. Returns commits/s and the real state's size."""
    state = real if len(real.encode()) >= 1536 else json.dumps(
        {**json.loads(real), "_pad": "x" * (1536 - len(real.encode()))}, ensure_ascii=False)
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("CREATE TABLE state (id INTEGER PRIMARY KEY, dialog TEXT NOT NULL)")
    conn.executemany("INSERT INTO state VALUES (?, ?)", [(i, state) for i in range(rows)])
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        conn.execute("UPDATE state SET dialog = ? WHERE id = ?", (state, done % rows))
        done += 1
    rate = done / (time.perf_counter() - started)
    conn.close()
    return rate, len(real.encode())


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def table(rows: list[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in rows)
    print("\n" + "-" * (width + 18))
    for name, value in rows:
        print(f"{name:<{width}}  {value:>14}")
    print("-" * (width + 18))


def measure(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    store = Store.open(f"sqlite:///{tmp / 'bench.db'}")
    app, rng = App(store, build_registry()), random.Random(args.seed)
    locks = Locks(store)
    logging.getLogger().addHandler(locks)
    sims = make_users(store, args.users, rng)
    steps = sum(len(s.script) for s in sims)
    print(f"{args.users} collaborators, about {steps} steps, SQLite at {tmp}", flush=True)
    writer = OutboxWriter(store, args.outbox_every_ms / 1000)
    writer.start()
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    run = drive(app, sims, max(1, steps // 20))
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    writer.stop.set()
    writer.join()
    with store.session() as s:
        saved = s.exec(select(func.count()).select_from(HouseholdUpdate)).one()
    raw, size = raw_commits(tmp / "raw.db", run.state_json or "{}", args.users)
    return figures(args, run, saved, writer, locks.seen, raw, size)


def figures(args: argparse.Namespace, run: Run, saved: int, writer: OutboxWriter,
            locked: int, raw: float, size: int) -> dict[str, Any]:
    steps = len(run.latencies)
    return {"users": args.users, "steps": steps, "wall_s": round(run.wall_s, 2),
            "steps_per_s": round(steps / run.wall_s, 1), "p50_ms": round(pct(run.latencies, .5), 2),
            "p95_ms": round(pct(run.latencies, .95), 2),
            "p99_ms": round(pct(run.latencies, .99), 2),
            "max_ms": round(max(run.latencies) * 1000, 2), "completed": run.completed,
            "saved_updates": int(saved), "errors": run.errors,
            "locked_errors": locked + writer.locked, "outbox_rows": writer.rows,
            "outbox_rows_per_s": round(writer.rows / max(writer.ended - writer.started, 1e-9), 1),
            "outbox_p99_ms": round(pct(writer.latencies, .99), 2),
            "raw_commits_per_s": round(raw, 1), "state_bytes": size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--outbox-every-ms", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", help="write cProfile stats of the dialog loop here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="giamngheo-bench-") as tmp:
        out = measure(args, Path(tmp))
    out["targets_met"] = (out["steps_per_s"] >= 1000 and out["p99_ms"] <= 20
                          and out["locked_errors"] == 0)
    table([(k, str(v)) for k, v in out.items()])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
