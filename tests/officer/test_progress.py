"""The officers' SQL (storage/progress.py) on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from scheduler.timetable import deadline_end, load_calendar
from storage import fieldwork, progress
from storage.models import Area, User
from tests.officer.helpers import local
from tests.test_storage import any_store  # noqa: F401  (the fixture: SQLite and PostgreSQL)

CAL = load_calendar()


def seed(session) -> dict[str, int]:
    ids = {a.code: a.id for a in session.exec(select(Area).where(Area.epoch == "2023")).all()}
    author = session.exec(select(User).where(User.handle == "ctv-demo")).one().id

    def save(code: str, when: datetime, values: dict[str, int], project: str = "DA5") -> None:
        fieldwork.save_report(session, area_id=ids[code], project=project, author_id=author,
                              sent_at=when, content={"values": values})

    save("DEMO-22783-1", local("2026-03-20T09:00"), {"nha_khoicong": 3, "nha_hoanthanh": 2})
    save("DEMO-22783-1", local("2026-03-27T09:00"), {"nha_khoicong": 4, "nha_hoanthanh": 2})
    save("DEMO-22783-1", local("2026-03-21T09:00"), {"mohinh": 1}, project="DA2")
    save("DEMO-22783-2", local("2026-03-26T09:00"), {"nha_khoicong": 1})  # late
    save("DEMO-22903-1", local("2026-02-10T09:00"), {"nha_khoicong": 7})  # last month
    return ids


def test_completeness_and_totals(any_store) -> None:  # noqa: F811
    with any_store.session() as s:
        ids = seed(s)
        due = deadline_end(CAL, "2026-03")
        villages = progress.completeness(s, ids["22783"], "2026-03", due, by_village=True)
        assert [(u.name[:12], u.expected, u.received, u.on_time) for u in villages] == [
            ("Thôn Mẫu Hai", 1, 1, 0), ("Thôn Mẫu Một", 1, 1, 1)]
        communes = progress.completeness(s, ids["58"], "2026-03", due, by_village=False)
        assert [(u.name, u.expected, u.received, u.on_time) for u in communes] == [
            ("Xã Phước Bình", 2, 2, 1), ("Xã Phước Dinh", 1, 0, 0)]
        assert progress.indicator_totals(s, ids["58"], 2026) == {
            "nha_khoicong": 4 + 1 + 7, "nha_hoanthanh": 2, "mohinh": 1}
        assert progress.indicator_totals(s, ids["22783"], 2025) == {}


def test_export_rows_and_audiences(any_store) -> None:  # noqa: F811
    with any_store.session() as s:
        ids = seed(s)
        march = list(progress.report_rows(s, ids["22783"], "2026-03"))
        assert len(march) == 3 and {r[4] for r in march} == {1, 2}  # versions
        assert len(list(progress.report_rows(s, ids["58"], None))) == 4
        assert len(list(progress.household_rows(s, ids["22783"]))) == 6
        paths = progress.village_paths(s, ids["22783"])
        assert paths[ids["DEMO-22783-1"]]["district"] == "Huyện Bác Ái"
        assert progress.audience_counts(s, ids["22783"], "collaborator") == (1, 0)
        assert progress.audience_counts(s, ids["22903"], "collaborator") == (0, 0)
        assert progress.reported(s, ["2026-03"]) == {
            (ids["DEMO-22783-1"], "2026-03"), (ids["DEMO-22783-2"], "2026-03")}
