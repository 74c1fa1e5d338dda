"""Officers of the communes made on 1 July 2025 see what was recorded under the units their
commune took over, and nothing of other communes; a split ward's records wait for assignment."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from bot.base.messages import Role
from scheduler.timetable import deadline_end, load_calendar
from storage import fieldwork, progress
from storage.lineage import find_area
from storage.models import Area, AreaLevel, Household, User
from storage.people import in_scope, invitable_areas, subtree_ids, unassigned_ids
from storage.repo import Store

MADE_2023 = datetime(2023, 5, 2, 2, 0, tzinfo=UTC)


def unit(s: Session, epoch: str, code: str) -> Area:
    found = find_area(s, epoch, code)
    assert found is not None and found.id is not None
    return found


def officer_of(s: Session, area: Area) -> User:
    user = User(role=Role.OFFICER.value, area_id=area.id)
    s.add(user)
    s.flush()
    return user


def household_in(s: Session, village: Area, name: str) -> Household:
    made = Household(area_id=village.id, head_name=name, members=3, status="poor",
                     created_at=MADE_2023, updated_at=MADE_2023)
    s.add(made)
    s.flush()
    return made


def village_under(s: Session, commune: Area, code: str) -> Area:
    village = Area(epoch=commune.epoch, code=code, name=f"Thôn {code}", kind="thôn",
                   level=AreaLevel.VILLAGE, parent_id=commune.id, valid_to=commune.valid_to)
    s.add(village)
    s.flush()
    return village


def test_the_new_commune_sees_a_household_made_in_2023_under_phuoc_binh(store: Store) -> None:
    with store.session() as s:
        old_village = unit(s, "2023", "DEMO-22783-1")
        assert old_village.parent_id == unit(s, "2023", "22783").id  # Xã Phước Bình, 2023
        made = household_in(s, old_village, "Hộ Làm Năm 2023")
        ours = officer_of(s, unit(s, "2025-07", "22786"))  # Xã Bác Ái Tây
        theirs = officer_of(s, unit(s, "2025-07", "22795"))  # Xã Bác Ái
        assert in_scope(s, ours, made.area_id)
        assert not in_scope(s, theirs, made.area_id)
        names = {r[2] for r in progress.household_rows(s, ours.area_id or 0)}
        assert "Hộ Làm Năm 2023" in names
        assert "Hộ Làm Năm 2023" not in {r[2] for r in progress.household_rows(
            s, theirs.area_id or 0)}
        assert s.get(Household, made.id).area_id == old_village.id  # kept on its 2023 unit


def test_invites_go_to_current_units_only(store: Store) -> None:
    with store.session() as s:
        officer = s.exec(select(User).where(User.handle == "canbo-demo")).one()
        places = invitable_areas(s, officer, Role.COLLABORATOR)
        assert [(a.epoch, a.name) for a in places] == [
            ("2025-07", "Thôn Mẫu Hai (dữ liệu mẫu)"), ("2025-07", "Thôn Mẫu Một (dữ liệu mẫu)")]


def test_a_split_wards_records_need_assignment_not_double_counting(store: Store) -> None:
    with store.session() as s:
        village = village_under(s, unit(s, "2023", "22768"), "DH-1")  # Phường Đông Hải, 2023
        household_in(s, village, "Hộ Đông Hải")
        for code in ("22780", "22888"):  # the new Phường Đông Hải and Xã Phước Dinh
            officer = officer_of(s, unit(s, "2025-07", code))
            assert village.id not in subtree_ids(s, officer.area_id or 0)
            assert village.id in unassigned_ids(s, officer.area_id or 0)
            assert not in_scope(s, officer, village.id)
        province = unit(s, "2025-07", "56")
        assert village.id in subtree_ids(s, province.id or 0)  # whole province: counted once


def test_a_2023_month_rolls_up_under_the_new_commune(store: Store) -> None:
    with store.session() as s:
        author = s.exec(select(User).where(User.handle == "ctv-demo")).one().id or 0
        old_village = unit(s, "2023", "DEMO-22783-1")
        fieldwork.save_report(s, area_id=old_village.id or 0, project="DA5", author_id=author,
                              sent_at=MADE_2023, content={"values": {"nha_khoicong": 5}})
        province = unit(s, "2025-07", "56")
        due = deadline_end(load_calendar(), "2023-05")
        communes = progress.completeness(s, province.id or 0, "2023-05", due, by_village=False)
        assert [(u.name, u.expected, u.received) for u in communes] == [
            ("Xã Bác Ái Tây", 2, 1), ("Xã Phước Dinh", 1, 0)]
        assert progress.indicator_totals(s, province.id or 0, 2023) == {"nha_khoicong": 5}
        paths = progress.village_paths(s, province.id or 0)
        assert (paths[old_village.id or 0]["commune"], paths[old_village.id or 0]["district"]) \
            == ("Xã Bác Ái Tây", "Huyện Bác Ái")


def test_the_province_by_default_is_todays(store: Store) -> None:
    """Exports without an area (the CLI's default) cover Tỉnh Khánh Hòa and, through its
    lineage, every record made under Tỉnh Ninh Thuận."""
    with store.session() as s:
        top = progress.top_area(s)
        assert top is not None and (top.epoch, top.name) == ("2025-07", "Tỉnh Khánh Hòa")
        assert len(list(progress.household_rows(s, top.id or 0))) == 6  # the demo households
