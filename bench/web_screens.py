"""Screenshots of the officers' dashboard, at a phone's width (360 px) and a desk's (1280 px).

    python bench/web_screens.py [--out screens]

Builds a demo world in a temporary SQLite file (the demo commune with six more villages,
three months of reports, some late or missing, reminders planned by the real scheduler,
household updates, citizens' questions and "not right" feedback), serves the dashboard on
a loopback port, signs in with the chat's /web link in Debian's headless Chromium
(Playwright) as the commune officer and as the province administrator, and writes one PNG
per page and width into ``--out``. Ends with one JSON line (the files written).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import select  # noqa: E402

from bot.base.messages import Role  # noqa: E402
from bot.web.app import create_app  # noqa: E402
from handlers.report_catalog import projects  # noqa: E402
from scheduler.planner import tick  # noqa: E402
from scheduler.timetable import load_calendar  # noqa: E402
from storage import feedback  # noqa: E402
from storage.fieldwork import save_report  # noqa: E402
from storage.lineage import find_area  # noqa: E402
from storage.models import Area, AreaLevel, Household, Identity, User  # noqa: E402
from tests.security.world import World, build_world  # noqa: E402
from tests.web.helpers import link_for  # noqa: E402
from tests.web.live import chromium, serving  # noqa: E402

VILLAGES = ["Thôn Phước Lợi", "Thôn Phước Hòa", "Thôn Ma Lâm", "Thôn Suối Rua",
            "Thôn Đá Trắng", "Thôn Rã Giữa"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Pi Năng", "Katơr", "Chamaléa", "Bo Bo", "Mấu"]
MIDDLE = ["Thị", "Văn", "Thị Ngọc", "Văn Hữu", ""]
GIVEN = ["Lan", "Bình", "Hoa", "Tuấn", "Nhung", "Sơn", "Mai", "Phúc", "Hạnh", "Dũng"]
QUESTIONS = [("CS.y-te", "thẻ bảo hiểm y tế hộ cận nghèo được hỗ trợ bao nhiêu phần trăm"),
             ("DA5", "nhà tôi bị dột thì có được hỗ trợ làm nhà không"),
             ("CS.tin-dung", "vay vốn chính sách lãi suất bao nhiêu"),
             ("CS.giao-duc", "con đi học có được miễn học phí không")]
PAGES = ["/", "/completeness", "/overdue", "/progress", "/approvals", "/households",
         "/questions", "/feedback", "/exports", "/audit"]


def at(day: str) -> datetime:
    """09:00 local time in Ninh Thuận on ``day`` (YYYY-MM-DD), as UTC."""
    return datetime.fromisoformat(day + "T02:00:00").replace(tzinfo=UTC)


def more_villages(world: World, rnd: random.Random) -> list[tuple[int, int]]:
    """Six villages in the demo commune, each with households and a collaborator."""
    made = []
    with world.store.session() as s:
        commune = find_area(s, "2023", "22783")
        assert commune is not None
        for i, name in enumerate(VILLAGES):
            village = Area(code=f"DEMO-22783-{i + 3}", name=name, level=AreaLevel.VILLAGE,
                           parent_id=commune.id, is_demo=True)
            s.add(village)
            s.flush()
            person = User(role=Role.COLLABORATOR, area_id=village.id, handle=f"ctv-{i + 3}")
            s.add(person)
            s.flush()
            s.add(Identity(channel="telegram", external_id=str(7000 + i), user_id=person.id))
            for _ in range(rnd.randint(25, 60)):
                head = " ".join(p for p in (rnd.choice(FAMILY), rnd.choice(MIDDLE),
                                            rnd.choice(GIVEN)) if p)
                s.add(Household(area_id=village.id, head_name=head,
                                members=rnd.randint(1, 8),
                                status=rnd.choice(["poor", "near_poor", "escaped", None])))
            made.append((int(village.id or 0), int(person.id or 0)))
    return made


def reports(world: World, made: list[tuple[int, int]], rnd: random.Random) -> None:
    """January and February from most villages (some late), March from a few."""
    plan = projects()
    with world.store.session() as s:
        for month, share in (("01", 0.9), ("02", 0.8), ("03", 0.6)):
            for village, author in made:
                if rnd.random() > share:
                    continue
                day = rnd.choice([5, 12, 20, 24, 27 if month != "03" else 26])  # 26+: late
                for proj in rnd.sample(plan, 2):
                    values = {i.code: rnd.randint(0, 4) for i in proj.indicators}
                    save_report(s, area_id=village, project=proj.section, author_id=author,
                                sent_at=at(f"2026-{month}-{day:02d}"),
                                content={"values": values, "no_change": False})


def opinions(world: World, rnd: random.Random) -> None:
    with world.store.session() as s:
        citizen = s.exec(select(User).where(User.handle == "nguoidan-demo")).one()
        for n in range(24):
            section, text = rnd.choice(QUESTIONS)
            verdict = (feedback.Verdict.NOT_RIGHT if rnd.random() < 0.35
                       else feedback.Verdict.USEFUL)
            feedback.record(s, user_id=citizen.id or 0, area_id=citizen.area_id,
                            question=text, section=section, entry=None, verdict=verdict,
                            at=at("2026-03-01") + timedelta(hours=7 * n))


def populate(world: World) -> None:
    rnd = random.Random(2023)
    made = more_villages(world, rnd)
    reports(world, made, rnd)
    opinions(world, rnd)
    cal = load_calendar()
    for day in ("2026-03-22", "2026-03-25", "2026-03-26"):
        tick(world.store, cal, lambda day=day: at(day))
    world.clock.now = at("2026-03-27") + timedelta(hours=1)


def shoot(world: World, base: str, browser: object, user: str, out: Path) -> list[str]:
    written = []
    for width in (360, 1280):
        page = browser.new_page(viewport={"width": width, "height": 800})  # type: ignore[attr-defined]
        page.goto(base + link_for(world, user))
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(base + "/")
        for path in PAGES:
            page.goto(base + path)
            name = f"{user}-{path.strip('/') or 'home'}-{width}.png"
            page.screenshot(path=str(out / name), full_page=True)
            written.append(name)
        page.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="screens", help="folder for the PNG files")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    world = build_world(Path(tempfile.mkdtemp(prefix="giamngheo-screens-")))
    populate(world)
    with serving(create_app(world.store, clock=world.clock)) as base, chromium() as browser:
        written = [name for user in ("canbo-demo", "admin-demo")
                   for name in shoot(world, base, browser, user, out)]
    for name in written:
        print(f"  {out / name}")
    print(json.dumps({"screenshots": len(written), "folder": str(out)}))


if __name__ == "__main__":
    main()
