"""The commune finder's matcher over every row of the lineage: accents optional, a typo
forgiven, a split unit, a name shared by two old units, the wards the table does not cover,
and free text that is (and is not) a question about a unit's new name."""

from __future__ import annotations

import glob
import random
from pathlib import Path

import pytest

from knowledge.finder import Finder, Outcome
from knowledge.normalize import fold
from tests.knowledge.lineage_rows import ROOT, lineage, rows

NEEDS_CHOICE = ["Phường Thanh Sơn", "Phường Mỹ Hương", "Phường Tấn Tài"]


@pytest.fixture(scope="module")
def finder() -> Finder:
    return Finder(rows())


def _bare(name: str) -> str:
    for kind in ("Thị trấn ", "Phường ", "Xã "):
        name = name.removeprefix(kind)
    return name


def _typo(name: str, rng: random.Random) -> str:
    """One letter doubled, dropped or swapped inside a word of a name of 6+ letters."""
    letters = [i for i, ch in enumerate(name) if ch.isalpha() and 0 < i < len(name) - 1
               and name[i - 1] != " " and name[i + 1] != " "]
    i = rng.choice(letters)
    return rng.choice([name[:i] + name[i] + name[i:], name[:i] + name[i + 1:],
                       name[:i] + name[i + 1] + name[i] + name[i + 2:]])


def _expected(row: dict[str, str]) -> set[str]:
    return {r["new_name"] for r in lineage()
            if (r["old_name"], r["old_district"]) == (row["old_name"], row["old_district"])}


def test_the_data_has_63_rows_62_old_units_and_24_new_ones() -> None:
    table = lineage()
    assert len(table) == 63
    assert len({(r["old_name"], r["old_district"]) for r in table}) == 62
    assert len({r["new_name"] for r in table}) == 24


@pytest.mark.parametrize("row", lineage(), ids=lambda r: f"{r['old_name']}>{r['new_name']}")
def test_every_old_name_finds_its_new_unit(finder: Finder, row: dict[str, str]) -> None:
    """With and without diacritics, with the kind or without, with a typo, and with the
    district where the bare name is shared (Thành Hải / Thanh Hải once accents are gone)."""
    bare, district = _bare(row["old_name"]), _bare_district(row["old_district"])
    shared = len({(r["old_name"], r["old_district"]) for r in lineage()
                  if fold(_bare(r["old_name"])) == fold(bare)}) > 1
    variants = [row["old_name"], bare, fold(bare) + " " + fold(district), f"{bare} {district}"]
    if not shared:
        variants += [fold(row["old_name"]), fold(bare)]
    if len(fold(bare)) >= 6:
        variants.append(_typo(fold(bare), random.Random(row["old_code"])) + " " + fold(district))
    for text in variants:
        found = finder.find(text)
        assert found.outcome in (Outcome.FOUND, Outcome.SPLIT), text
        assert found.place.name == row["old_name"] and found.place.district == row["old_district"]
        assert {u.name for u in found.place.successors} == _expected(row), text
        assert (found.outcome is Outcome.SPLIT) == (row["partial"] == "yes"), text


def _bare_district(name: str) -> str:
    for kind in ("Thành phố ", "Huyện "):
        name = name.removeprefix(kind)
    return name


def test_a_split_unit_asks_which_part(finder: Finder) -> None:
    for text in ("Phường Đông Hải", "dong hai", "phuong dong hai gio la phuong nao"):
        found = finder.find(text)
        assert found.outcome is Outcome.SPLIT, text
        parts = found.place.successors
        assert [u.name for u in parts] == ["Phường Đông Hải", "Xã Phước Dinh"]
        assert all(u.partial for u in parts)


def test_a_name_shared_without_accents_asks_the_district(finder: Finder) -> None:
    found = finder.find("xa thanh hai gio la xa nao")
    assert found.outcome is Outcome.WHICH
    assert {(p.name, p.district) for p in found.places} == {
        ("Xã Thanh Hải", "Huyện Ninh Hải"), ("Xã Thành Hải", "Thành phố Phan Rang-Tháp Chàm")}
    assert finder.find("Xã Thành Hải").place.successors[0].name == "Phường Bảo An"
    assert finder.find("Xã Thanh Hải").place.successors[0].name == "Xã Vĩnh Hải"
    assert finder.find("thanh hai ninh hai").place.successors[0].name == "Xã Vĩnh Hải"
    assert finder.find("thanh hai phan rang").place.successors[0].name == "Phường Bảo An"


@pytest.mark.parametrize("name", NEEDS_CHOICE)
def test_the_wards_without_a_row_get_an_honest_answer(finder: Finder, name: str) -> None:
    for text in (name, fold(name)):
        found = finder.find(text)
        assert found.outcome is Outcome.NEEDS_CHOICE, text
        assert found.place.name == name and not found.place.successors
        nearby = {u.name for u in found.nearby}  # the new units of the former city
        assert {"Phường Phan Rang", "Phường Bảo An", "Phường Đô Vinh"} <= nearby


def test_an_unknown_name_is_not_found(finder: Finder) -> None:
    for text in ("Phường Lộc Thọ", "xa abc", "", "giảm nghèo"):
        assert finder.find(text).outcome is Outcome.NOT_FOUND, text


def test_the_same_unit_in_2023_and_2025_is_one_place(finder: Finder) -> None:
    place = finder.find("Phước Bình").place
    assert len(place.ids) == 2 and finder.place(place.ids[1]) == place
    others = {p.name for p in finder.merged_with(place, place.successors[0])}
    assert others == {"Xã Phước Hòa", "Xã Phước Tân"}


@pytest.mark.parametrize("text", [
    "xã Phước Bình giờ là xã nào", "phuoc binh bac ai sap nhap vao dau",
    "thị trấn Khánh Hải bây giờ thuộc phường nào", "xa cong hai co con khong",
    "what is Phuoc Binh commune now",
])
def test_free_text_about_a_unit_goes_to_the_finder(finder: Finder, text: str) -> None:
    assert finder.asks(text)


def test_no_question_of_the_knowledge_sets_and_no_province_question_goes_to_it(
        finder: Finder) -> None:
    province = ["Ninh Thuận đã sáp nhập vào Khánh Hòa chưa",
                "ninh thuan da sap nhap vao khanh hoa chua", "tỉnh Ninh Thuận giờ thuộc tỉnh nào",
                "huyện Bác Ái giờ sáp nhập vào đâu", "xã Phước Bình có được hỗ trợ nhà ở không"]
    questions = [*province, *_set_questions()]
    assert len(questions) > 600
    assert [q for q in questions if finder.asks(q)] == []


def _set_questions() -> list[str]:
    paths = [*glob.glob(str(ROOT / "bench" / "kb_*.tsv"))]
    dev = ROOT.parent / "shared" / "spec" / "kb_dev.tsv"
    paths += [str(dev)] if dev.exists() else []
    return [line.split("\t")[0] for path in paths
            for line in Path(path).read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
