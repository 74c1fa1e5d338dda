"""Page loads of the officers' dashboard on a province's worth of data.

    python bench/web.py [--households 150000] [--villages 500] [--loads 30]

Builds the same data as ``bench/scale.py`` (150,000 households, 500 villages, a year of
reports) plus what the dashboard's other pages read (pending household updates, open
questions, answer feedback, audit entries, planned reminders), serves the dashboard with
uvicorn on a loopback port and loads each main page ``--loads`` times over HTTP (keep-alive,
after one warm-up load) as the province administrator and as a commune officer. Prints
p50/p95 per page and one JSON line; the target is p95 <= 300 ms for every page.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402
from scale import build  # noqa: E402  (bench/scale.py: the data generator)
from sqlmodel import select  # noqa: E402

from bot.web.app import create_app  # noqa: E402
from scheduler.planner import tick  # noqa: E402
from scheduler.timetable import load_calendar  # noqa: E402
from storage import audit, feedback, weblogin  # noqa: E402
from storage.models import Area, CitizenQuestion, HouseholdUpdate, User  # noqa: E402
from storage.repo import Store  # noqa: E402
from tests.web.live import serving  # noqa: E402

PAGES = ["/", "/completeness", "/overdue", "/progress", "/approvals", "/households",
         "/households?q=chu+ho+12", "/questions", "/feedback", "/audit"]
SECTIONS = ["DA1", "DA5", "CS.y-te", "CS.tin-dung", "CS.giao-duc", "MT"]


def extras(store: Store, villages: list[int], now: datetime) -> None:
    """What the other pages read: 300 pending updates, 400 open questions, 5,000 feedback
    rows, 3,000 audit entries."""
    rnd = random.Random(11)
    with store.session() as s:
        author = s.exec(select(User.id).where(User.role == "collaborator")).first() or 1
        for n in range(300):
            s.add(HouseholdUpdate(area_id=rnd.choice(villages), event="newly_poor",
                                  data={"name": f"Hộ mới {n}"}, submitted_by=author,
                                  submitted_at=now - timedelta(hours=n)))
        for n in range(400):
            s.add(CitizenQuestion(user_id=author, area_id=rnd.choice(villages),
                                  text=f"câu hỏi số {n}", status="open",
                                  created_at=now - timedelta(hours=n)))
        for n in range(5000):
            feedback.record(s, user_id=author, area_id=rnd.choice(villages),
                            question=f"hỏi {n}", section=rnd.choice(SECTIONS), entry=None,
                            verdict=rnd.choice(list(feedback.Verdict)),
                            at=now - timedelta(minutes=7 * n))
        for n in range(3000):
            village = rnd.choice(villages)
            audit.record(s, actor_id=author, role="officer", action=audit.Action.EXPORT,
                         target=audit.Target.AREA, target_id=village, area_id=village,
                         via=audit.Via.WEB, at=now - timedelta(minutes=n), detail="format=xlsx")


def cookie_for(store: Store, where: str, now: datetime) -> str:
    """A session for the administrator, or for the first commune officer (of a current
    commune: since the 2025 reform the first commune in the table is a closed 2023 one)."""
    with store.session() as s:
        if where == "province":
            user = s.exec(select(User).where(User.role == "admin")).first()
        else:
            user = s.exec(select(User).join(Area, Area.id == User.area_id)  # type: ignore[arg-type]
                          .where(User.role == "officer", Area.level == "commune")).first()
        assert user is not None and user.id is not None, where
        raw, _ = weblogin.start_session(s, user.id, now, 8)
        return raw


def measure(base: str, cookie: str, loads: int) -> dict[str, tuple[float, float]]:
    found = {}
    with httpx.Client(base_url=base, cookies={"giamngheo_session": cookie}) as client:
        for path in PAGES:
            assert client.get(path).status_code == 200, path  # warm-up
            times = []
            for _ in range(loads):
                start = time.perf_counter()
                response = client.get(path)
                times.append(1000 * (time.perf_counter() - start))
                assert response.status_code == 200, path
            times.sort()
            found[path] = (statistics.median(times), times[max(0, int(0.95 * len(times)) - 1)])
            print(f"  {path:<28} p50 {found[path][0]:7.1f} ms   p95 {found[path][1]:7.1f} ms",
                  flush=True)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=150_000)
    parser.add_argument("--villages", type=int, default=500)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--loads", type=int, default=30)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="giamngheo-web-bench-"))
    store = Store.open(f"sqlite:///{workdir / 'web.db'}", demo=False)
    now = datetime(2026, args.months, 27, 2, 0, tzinfo=UTC)
    print(f"building {args.households:,} households, {args.villages} villages", flush=True)
    villages, _ = build(store, args, 2026, now)
    extras(store, villages, now)
    tick(store, load_calendar(), lambda: now - timedelta(days=5))  # reminders to show
    figures = {}
    with serving(create_app(store, clock=lambda: now)) as base:
        for where in ("province", "commune"):
            print(f"{where}:", flush=True)
            figures[where] = measure(base, cookie_for(store, where, now), args.loads)
    worst = max(p95 for pages in figures.values() for _, p95 in pages.values())
    print(f"\nworst p95 {worst:.1f} ms (target <= 300 ms)")
    print(json.dumps({"households": args.households, "villages": args.villages,
                      "loads": args.loads, "worst_p95_ms": round(worst, 1),
                      "p95_ms": {w: {p: round(v[1], 1) for p, v in pages.items()}
                                 for w, pages in figures.items()},
                      "p50_ms": {w: {p: round(v[0], 1) for p, v in pages.items()}
                                 for w, pages in figures.items()}}, ensure_ascii=False))
    for path in workdir.iterdir():
        path.unlink()
    workdir.rmdir()


if __name__ == "__main__":
    main()
