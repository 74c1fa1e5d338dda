"""Scale benchmark for the officers' tools: a province's worth of data in SQLite on disk.

    python bench/scale.py [--households 150000] [--villages 500] [--months 12] [--keep]

Builds the bundled province (today's 24 communes, the 2023 and 2025-01 units behind them)
with ``--villages`` villages, ``--households`` households, one collaborator per village (on
Telegram), an officer per commune (and district, where there are districts),
and a year of monthly reports (one to three projects a village a month, some corrected,
some late, some villages silent). Then times what an officer waits for: the province
overview (``/tongquan``'s figures: completeness and timeliness by commune, indicator totals
against the plan), a commune's overview, one reminder-planning pass (the dry run: every
staff member against the calendar), and the province export to xlsx (both sheets).

Figures: ``summary_s`` (province overview, target ≤ 1.0), ``export_xlsx_s``, ``db_mb``,
``rss_mb`` (peak resident memory). Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import Session, col, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.base.i18n import Tr  # noqa: E402
from bot.base.messages import Lang  # noqa: E402
from handlers.export import export  # noqa: E402
from handlers.overview import gather, text  # noqa: E402
from handlers.report_catalog import projects  # noqa: E402
from scheduler.planner import plan  # noqa: E402
from scheduler.timetable import load_calendar  # noqa: E402
from storage.models import Area, Household, Identity, Report, ReportVersion, User  # noqa: E402
from storage.progress import top_area  # noqa: E402
from storage.repo import Store  # noqa: E402

STATUSES = ["poor", "near_poor", "escaped", "average", None]


def bulk(session: Session, table: type, rows: list[dict]) -> None:
    for i in range(0, len(rows), 5000):
        session.execute(insert(table), rows[i:i + 5000])


def build_areas(session: Session, villages: int) -> tuple[list[Area], list[int]]:
    communes = list(session.exec(select(Area).where(
        Area.level == "commune", col(Area.valid_to).is_(None))).all())  # today's 24
    rows = [{"epoch": communes[0].epoch, "code": f"V{i:05d}", "name": f"Thôn {i:03d}",
             "kind": "thôn", "level": "village", "valid_from": communes[0].valid_from,
             "parent_id": communes[i % len(communes)].id, "is_demo": False,
             "designations": [], "former_names": []} for i in range(villages)]
    bulk(session, Area, rows)
    ids = list(session.exec(select(Area.id).where(Area.level == "village")).all())
    return communes, [i for i in ids if i is not None]


def build_people(session: Session, communes: list[Area], villages: list[int]) -> int:
    districts = {c.parent_id for c in communes}
    province = top_area(session)
    assert province is not None
    staff = ([("collaborator", v) for v in villages] + [("officer", c.id) for c in communes]
             + [("officer", d) for d in districts] + [("admin", province.id)])
    bulk(session, User, [{"role": r, "area_id": a, "language": "vi", "muted": False,
                          "reachable": True, "created_at": datetime.now(UTC)}
                         for r, a in staff])
    ids = session.exec(select(User.id)).all()
    bulk(session, Identity, [{"channel": "telegram", "external_id": str(9_000_000 + i),
                              "user_id": i} for i in ids])
    return len(staff)


def build_households(session: Session, villages: list[int], count: int, rnd: random.Random,
                     now: datetime) -> None:
    rows = [{"area_id": villages[i % len(villages)], "head_name": f"Chủ hộ {i}",
             "members": rnd.randint(1, 9), "status": rnd.choice(STATUSES),
             "created_at": now, "updated_at": now} for i in range(count)]
    bulk(session, Household, rows)


def build_reports(session: Session, villages: list[int], months: int, rnd: random.Random,
                  year: int) -> int:
    author = session.exec(select(User.id)).first()
    indicators = [(p.section, [i.code for i in p.indicators]) for p in projects()]
    reports, versions, n = [], [], 0
    for month in range(1, months + 1):
        for village in villages:
            if rnd.random() < 0.1:  # a silent village this month
                continue
            for section, codes in rnd.sample(indicators, rnd.randint(1, 3)):
                n += 1
                day = rnd.randint(1, 28)  # after the 25th is late
                sent = datetime(year, month, day, 2, 0, tzinfo=UTC)
                corrected = rnd.random() < 0.1
                reports.append({"id": n, "receipt": f"BC-{n:06d}", "area_id": village,
                                "project": section, "period": f"{year}-{month:02d}",
                                "created_by": author, "created_at": sent, "sent_at": sent,
                                "version": 2 if corrected else 1})
                for version in range(1, 3 if corrected else 2):
                    versions.append({"report_id": n, "version": version, "author_id": author,
                                     "created_at": sent, "no_change": False, "evidence": [],
                                     "values": {c: rnd.randint(0, 5) for c in codes}})
    bulk(session, Report, reports)
    bulk(session, ReportVersion, versions)
    return n


def timed(label: str, fn, runs: int = 1) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    print(f"  {label:<34} {best:8.3f} s", flush=True)
    return best, result


def build(store: Store, args: argparse.Namespace, year: int, now: datetime) -> tuple[list[int],
                                                                                  int]:
    rnd = random.Random(2023)
    started = time.perf_counter()
    with store.session() as s:
        communes, villages = build_areas(s, args.villages)
        staff = build_people(s, communes, villages)
        build_households(s, villages, args.households, rnd, now)
        reports = build_reports(s, villages, args.months, rnd, year)
    print(f"  built in {time.perf_counter() - started:.1f} s: {staff} staff, "
          f"{reports:,} reports", flush=True)
    return villages, reports


def measure(store: Store, villages: list[int], period: str, now: datetime,
            out: Path) -> dict[str, object]:
    cal, tr = load_calendar(), Tr(Lang.VI)
    with store.session() as s:
        province = top_area(s)
        assert province is not None
        commune = s.get(Area, s.get(Area, villages[0]).parent_id)
        summary_s, _ = timed("province overview (/tongquan)",
                             lambda: text(gather(s, province, period, cal), tr), runs=3)
        commune_s, _ = timed("commune overview", lambda: text(gather(s, commune, period, cal),
                                                               tr), runs=3)
        plan_s, planned = timed("reminder planning (dry run)",
                                lambda: plan(s, cal, now, write=False))
        export_s, done = timed("province export, xlsx", lambda: export(s, province, None,
                                                                        "xlsx", out, tr, cal))
    return {"summary_s": round(summary_s, 3), "commune_summary_s": round(commune_s, 3),
            "plan_s": round(plan_s, 3), "export_xlsx_s": round(export_s, 2),
            "nudges": len(planned.dues), "export_rows": done.reports + done.households}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=150_000)
    parser.add_argument("--villages", type=int, default=500)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--keep", action="store_true", help="keep the database file")
    args = parser.parse_args()
    year, workdir = 2026, Path(tempfile.mkdtemp(prefix="giamngheo-scale-"))
    db = workdir / "scale.db"
    print(f"building {args.households:,} households, {args.villages} villages, "
          f"{args.months} months in {db}", flush=True)
    store = Store.open(f"sqlite:///{db}", demo=False)
    now = datetime(year, args.months, 27, 2, 0, tzinfo=UTC)  # 09:00 local, the 27th
    villages, reports = build(store, args, year, now)
    figures = measure(store, villages, f"{year}-{args.months:02d}", now, workdir / "x.xlsx")
    db_mb = sum(p.stat().st_size for p in workdir.glob("scale.db*")) / 1e6  # with the WAL
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{'households':<22}{args.households:>12,}\n{'villages':<22}{len(villages):>12}"
          f"\n{'reports':<22}{reports:>12,}\n{'nudges due':<22}{figures['nudges']:>12}"
          f"\n{'export rows':<22}{figures['export_rows']:>12,}"
          f"\n{'db size (MB)':<22}{db_mb:>12.1f}\n{'peak RSS (MB)':<22}{rss_mb:>12.1f}")
    if not args.keep:
        for path in workdir.iterdir():
            path.unlink()
        workdir.rmdir()
    print(json.dumps({"households": args.households, "summary_s": figures["summary_s"],
                      "commune_summary_s": figures["commune_summary_s"],
                      "plan_s": figures["plan_s"], "export_xlsx_s": figures["export_xlsx_s"],
                      "db_mb": round(db_mb, 1), "rss_mb": round(rss_mb, 1)}))


if __name__ == "__main__":
    main()
