"""Units across the 2025 reform: who took over whom, as the commune finder and scopes see it."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from storage import lineage
from storage.models import Area
from storage.repo import Store


@pytest.fixture
def session(store: Store) -> Session:
    with store.session() as s:
        yield s


def unit(s: Session, epoch: str, code: str) -> Area:
    found = lineage.find_area(s, epoch, code)
    assert found is not None and found.id is not None
    return found


def names(links: list[lineage.Link]) -> list[tuple[str, str, bool]]:
    return [(x.area.epoch, x.area.name, x.partial) for x in links]


def test_an_old_commune_leads_to_its_new_one_across_both_epochs(session: Session) -> None:
    phuoc_binh = unit(session, "2023", "22783")
    assert names(lineage.successors(session, phuoc_binh.id or 0)) == [
        ("2025-01", "Xã Phước Bình", False), ("2025-07", "Xã Bác Ái Tây", False)]
    assert names(lineage.current_units(session, phuoc_binh.id or 0)) == [
        ("2025-07", "Xã Bác Ái Tây", False)]


def test_a_new_commune_knows_all_it_took_over(session: Session) -> None:
    bac_ai_tay = unit(session, "2025-07", "22786")
    earlier = names(lineage.predecessors(session, bac_ai_tay.id or 0))
    assert [n for e, n, _ in earlier if e == "2023"] == [
        "Xã Phước Bình", "Xã Phước Hòa", "Xã Phước Tân"]
    assert len(earlier) == 6 and not any(p for _, _, p in earlier)
    assert names(lineage.current_units(session, bac_ai_tay.id or 0)) == [
        ("2025-07", "Xã Bác Ái Tây", False)]


def test_the_split_ward_goes_to_two_units_each_partly(session: Session) -> None:
    dong_hai = unit(session, "2023", "22768")
    assert names(lineage.current_units(session, dong_hai.id or 0)) == [
        ("2025-07", "Phường Đông Hải", True), ("2025-07", "Xã Phước Dinh", True)]


def test_same_name_not_same_code_across_2024(session: Session) -> None:
    """Phủ Hà had 22747 in 2023 and 22750 (Thanh Sơn's old code) on 2025-01-04: it is
    followed by name; Thanh Sơn itself merged in 2024 and has no successor in the data."""
    phu_ha = unit(session, "2023", "22747")
    assert names(lineage.current_units(session, phu_ha.id or 0)) == [
        ("2025-07", "Phường Phan Rang", False)]
    thanh_son = unit(session, "2023", "22750")
    assert thanh_son.name == "Phường Thanh Sơn"
    assert lineage.current_units(session, thanh_son.id or 0) == []


def test_three_wards_need_an_officers_choice(session: Session) -> None:
    """No invented link: the finder says so and names the new units of the former city
    (tests/test_finder.py)."""
    waiting = sorted((r.old_epoch, r.old_name) for r in lineage.old_units(session)
                     if r.needs_choice)
    assert waiting == [
        ("2023", "Phường Mỹ Hương"), ("2023", "Phường Thanh Sơn"), ("2023", "Phường Tấn Tài")]


def test_old_units_rows_for_the_finder(session: Session) -> None:
    rows = lineage.old_units(session)
    assert len({(r.old_epoch, r.old_code) for r in rows}) == 65 + 62
    assert {r.new_name for r in rows if not r.needs_choice} == {
        a.name for a in session.exec(
            Area.__table__.select().where(Area.epoch == "2025-07", Area.level == "commune"))}
    [row] = [r for r in rows if r.old_epoch == "2023" and r.old_name == "Xã Phước Bình"]
    assert (row.old_kind, row.old_district, row.new_name, row.new_kind, row.partial) == (
        "xã", "Huyện Bác Ái", "Xã Bác Ái Tây", "xã", False)
    split = [(r.new_name, r.partial) for r in rows
             if r.old_epoch == "2025-01" and r.old_name == "Phường Đông Hải"]
    assert split == [("Phường Đông Hải", True), ("Xã Phước Dinh", True)]
    assert sum(r.needs_choice for r in rows) == 3
    assert len(rows) == (65 + 1) + (62 + 1)  # the split ward has two rows in each epoch


def test_a_typed_code_means_the_open_unit(session: Session) -> None:
    found = lineage.area_for_code(session, "22786")
    assert found is not None and (found.epoch, found.name) == ("2025-07", "Xã Bác Ái Tây")
    old = lineage.area_for_code(session, "2023:22786")
    assert old is not None and (old.epoch, old.name) == ("2023", "Xã Phước Hòa")
    gone = lineage.area_for_code(session, "22783")  # no longer a code of an open unit
    assert gone is not None and (gone.epoch, gone.name) == ("2023", "Xã Phước Bình")
    snapshot = lineage.area_for_code(session, "2025-01:22750")
    assert snapshot is not None and snapshot.name == "Phường Phủ Hà"
