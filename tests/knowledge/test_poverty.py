"""The poverty-standard rules (Nghị định 07/2021/NĐ-CP, and 351/2025/NĐ-CP from 2027) as table
tests at every boundary."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from knowledge.poverty import (
    DATA_PATH,
    Answer,
    AreaType,
    Designation,
    Profile,
    ProfileError,
    Standard,
    StandardError,
    Status,
    assess_json_line,
    classify,
    income_per_person,
    load_standard,
    load_standards,
    parse_profile_json,
    standard_for_year,
)
from knowledge.poverty_standard import review_years

CODES = ("viec-lam", "nguoi-phu-thuoc", "dinh-duong", "bao-hiem-y-te", "giao-duc-nguoi-lon",
         "tre-em-di-hoc", "chat-luong-nha-o", "dien-tich-nha-o", "nuoc-sinh-hoat", "nha-tieu",
         "vien-thong", "tiep-can-thong-tin")
# plan-sections.md, in its order (the ids a programme list may use)
PLAN_SECTIONS = ("MD", "MT", "DA1", "DA2", "DA3.1", "DA3.2", "DA4.1", "DA4.2", "DA4.3", "DA5",
                 "DA6.1", "DA6.2", "DA7.1", "DA7.2", "CS.tin-dung", "CS.y-te", "CS.giao-duc",
                 "CS.nha-o", "CS.nuoc-ve-sinh", "CS.an-sinh", "GP", "NL", "TC", "CN")
R, U = AreaType.RURAL, AreaType.URBAN
POOR, NEAR, AVG, ABOVE, UNKNOWN = (Status.POOR, Status.NEAR_POOR, Status.AVERAGE,
                                   Status.ABOVE_AVERAGE, Status.UNKNOWN)


@pytest.fixture(scope="module")
def std() -> Standard:
    return load_standard(date(2023, 6, 1))


def full(area: AreaType | None, income: int | None, n: int) -> Profile:
    """All 12 indicators answered, the first `n` deprived."""
    return Profile(area, income, frozenset(CODES[:n]))


# ---------------------------------------------------------------- classification table

@pytest.mark.parametrize(("area", "income", "deprived", "expected"), [
    (R, 0, 0, NEAR),
    (R, 1_500_000, 3, POOR),          # exactly on the rural line: at or under
    (R, 1_500_000, 2, NEAR),
    (R, 1_499_999, 12, POOR),
    (R, 1_500_001, 3, AVG),           # one đồng over the line
    (R, 1_500_001, 12, AVG),          # above the line is never poor, however deprived
    (R, 2_250_000, 0, AVG),           # exactly on the rural average band
    (R, 2_250_001, 0, ABOVE),
    (R, 2_250_001, 12, ABOVE),
    (R, 2_000_000, 5, AVG),           # the urban line does not apply in a rural area
    (U, 2_000_000, 3, POOR),          # exactly on the urban line
    (U, 2_000_000, 2, NEAR),
    (U, 1_500_001, 2, NEAR),          # over the rural line, still under the urban one
    (U, 2_000_001, 3, AVG),
    (U, 2_000_001, 12, AVG),
    (U, 3_000_000, 0, AVG),           # exactly on the urban average band
    (U, 2_250_001, 0, AVG),           # over the rural band, under the urban one
    (U, 3_000_001, 0, ABOVE),
    (U, 3_000_001, 12, ABOVE),
])
def test_status_at_every_boundary(std: Standard, area: AreaType, income: int, deprived: int,
                                  expected: Status) -> None:
    result = classify(full(area, income, deprived), std)
    assert result.status is expected
    assert result.deprived_count == deprived
    assert result.deprived == CODES[:deprived]
    assert result.missing == ()
    assert result.standard_id == "nd07-2021"


def test_deprived_listed_in_the_standards_order(std: Standard) -> None:
    result = classify(Profile(R, 1_000_000, frozenset({"nha-tieu", "viec-lam"})), std)
    assert result.deprived == ("viec-lam", "nha-tieu")


@given(income=st.integers(0, 10_000_000), n=st.integers(0, 12), urban=st.booleans())
def test_fully_answered_is_always_decided_and_never_poor_above_the_line(
        income: int, n: int, urban: bool) -> None:
    std = load_standard(date(2023, 6, 1))
    area = U if urban else R
    status = classify(full(area, income, n), std).status
    assert status is not UNKNOWN
    if income > std.income_line[area]:
        assert status in (AVG, ABOVE)
    else:
        assert status is (POOR if n >= 3 else NEAR)


# ---------------------------------------------------------------- cannot tell yet

@pytest.mark.parametrize(("profile", "missing"), [
    (Profile(None, 1_000_000, frozenset()), ("area",)),
    (Profile(R, None, frozenset()), ("income",)),
    (Profile(None, None, frozenset()), ("area", "income")),
    (Profile(None, 5_000_000, None), ("area",)),    # income over both lines: indicators moot
    (Profile(R, None, None), ("income", *CODES)),   # under the line they would matter
    (Profile(R, 1_500_000, None), CODES),            # on the line, nothing answered
])
def test_unknown_names_what_is_missing(std: Standard, profile: Profile,
                                       missing: tuple[str, ...]) -> None:
    result = classify(profile, std)
    assert result.status is UNKNOWN
    assert result.missing == missing


def test_above_the_line_decides_without_indicators(std: Standard) -> None:
    assert classify(Profile(R, 1_500_001, None), std).status is AVG
    assert classify(Profile(U, 3_000_001, None), std).status is ABOVE


def test_partial_answers_that_already_decide(std: Standard) -> None:
    three = frozenset(CODES[:3])
    poor = classify(Profile(R, 1_400_000, three, answered=three), std)
    assert (poor.status, poor.missing) == (POOR, ())
    ten_no = classify(Profile(R, 1_400_000, frozenset(), answered=frozenset(CODES[:10])), std)
    assert (ten_no.status, ten_no.missing) == (NEAR, ())   # 0 + 2 unanswered < 3


def test_partial_answers_that_do_not_decide_name_the_unanswered(std: Standard) -> None:
    answered = frozenset(CODES[:10])
    result = classify(Profile(R, 1_400_000, frozenset(CODES[:1]), answered=answered), std)
    assert result.status is UNKNOWN
    assert result.missing == CODES[10:]          # 1 + 2 unanswered could still reach 3
    assert result.deprived == CODES[:1]


def test_an_unanswered_indicator_is_not_a_no(std: Standard) -> None:
    answered = frozenset(CODES[:9])  # two deprived, three unanswered
    result = classify(Profile(R, 1_000_000, frozenset(CODES[:2]), answered=answered), std)
    assert result.status is UNKNOWN
    assert result.missing == CODES[9:]


def test_deprived_counts_as_answered_even_if_not_listed(std: Standard) -> None:
    result = classify(Profile(R, 1_000_000, frozenset(CODES[:3]), answered=frozenset()), std)
    assert result.status is POOR


# ---------------------------------------------------------------- programmes

def test_programmes_match_the_contract_example(std: Standard) -> None:
    profile = Profile(R, 1_400_000, frozenset({"bao-hiem-y-te", "nha-tieu"}))
    programmes = classify(profile, std).programmes
    assert programmes[:2] == ("CS.y-te", "CS.nuoc-ve-sinh")   # what the household lacks first
    assert {"DA2", "DA3.1", "DA3.2", "DA4.1", "DA4.3", "DA6.1", "CS.tin-dung", "CS.giao-duc",
            "CS.an-sinh"} <= set(programmes)
    assert "DA5" not in programmes and "CS.nha-o" not in programmes


@pytest.mark.parametrize(("area", "income", "n"), [(R, 1_000_000, 12), (U, 900_000, 4),
                                                   (R, 1_600_000, 12), (U, 5_000_000, 12)])
def test_programmes_are_known_unique_and_ordered(std: Standard, area: AreaType, income: int,
                                                 n: int) -> None:
    programmes = classify(full(area, income, n), std).programmes
    assert len(set(programmes)) == len(programmes)
    assert set(programmes) <= set(PLAN_SECTIONS)
    direct, rest = _split(std, programmes, frozenset(CODES[:n]))
    for part in (direct, rest):
        assert list(part) == sorted(part, key=PLAN_SECTIONS.index)


def _split(std: Standard, programmes: tuple[str, ...],
           deprived: frozenset[str]) -> tuple[list[str], list[str]]:
    by_indicator = {r.section for r in std.rules if r.indicator in deprived}
    cut = next((i for i, s in enumerate(programmes) if s not in by_indicator), len(programmes))
    return list(programmes[:cut]), list(programmes[cut:])


@pytest.mark.parametrize(("profile", "expected"), [
    # poor: what its deprivations point to (plan order), then what its status brings
    (Profile(R, 1_000_000, frozenset(CODES[:3])),
     ("DA3.2", "DA4.1", "DA4.3", "CS.an-sinh", "DA2", "DA3.1", "DA6.1", "CS.tin-dung",
      "CS.y-te", "CS.giao-duc")),
    # average: only what does not need poor/near-poor status
    (Profile(R, 2_000_000, frozenset({"viec-lam", "bao-hiem-y-te", "nha-tieu"})),
     ("DA4.1", "DA4.3")),
    (Profile(R, 2_000_000, frozenset({"nuoc-sinh-hoat", "chat-luong-nha-o"})),
     ("CS.nuoc-ve-sinh",)),
    # above average: every worker may use DA4.3; public water works serve everyone
    (Profile(U, 3_000_001, frozenset({"viec-lam", "nuoc-sinh-hoat", "bao-hiem-y-te"})),
     ("DA4.3", "CS.nuoc-ve-sinh")),
    (Profile(U, 3_000_001, frozenset({"bao-hiem-y-te", "tre-em-di-hoc", "dinh-duong"})), ()),
    (Profile(R, 9_000_000, frozenset()), ()),
])
def test_programmes_by_status_and_indicator(std: Standard, profile: Profile,
                                            expected: tuple[str, ...]) -> None:
    assert classify(profile, std).programmes == expected


def test_housing_programmes_need_the_deprivation_and_da5_the_poor_district(std: Standard) -> None:
    housing = frozenset({"chat-luong-nha-o", "dien-tich-nha-o", "viec-lam"})
    elsewhere = classify(Profile(R, 1_000_000, housing), std).programmes
    assert "CS.nha-o" in elsewhere and "DA5" not in elsewhere
    bac_ai = Profile(R, 1_000_000, housing, designations=frozenset({Designation.POOR_DISTRICT}))
    assert classify(bac_ai, std).programmes[:4] == ("DA4.1", "DA4.3", "DA5", "CS.nha-o")
    average = Profile(R, 2_000_000, housing, designations=frozenset({Designation.POOR_DISTRICT}))
    assert "DA5" not in classify(average, std).programmes
    assert "DA5" not in classify(Profile(R, 1_000_000, frozenset(CODES[:3]),
                                         designations=bac_ai.designations), std).programmes


def test_place_and_newly_escaped_add_programmes_for_any_status(std: Standard) -> None:
    coastal = frozenset({Designation.DISADVANTAGED_COASTAL_COMMUNE})
    resident = classify(Profile(U, 5_000_000, frozenset(), designations=coastal), std)
    assert resident.programmes == ("DA2", "DA3.1", "DA3.2", "DA4.2", "DA4.3", "DA6.1")
    escaped = classify(Profile(R, 1_800_000, frozenset({"vien-thong"}), newly_escaped=True), std)
    assert escaped.status is AVG
    assert escaped.programmes == ("DA6.1", "DA2", "DA3.1", "DA3.2", "DA4.1", "DA4.3",
                                  "CS.tin-dung")


def test_undecided_household_gets_only_what_every_possible_status_gets(std: Standard) -> None:
    result = classify(Profile(R, 1_000_000, None), std)   # poor or near-poor: same lists
    assert result.status is UNKNOWN
    assert result.programmes == classify(full(R, 1_000_000, 0), std).programmes
    assert classify(Profile(R, None, None), std).programmes == ()


def test_every_programme_has_its_lead_agency(std: Standard) -> None:
    lead = {s.id: s.agency.vi if s.agency else None for s in std.sections}
    assert lead["DA5"] == lead["CS.nha-o"] == "Sở Xây dựng"
    assert lead["DA3.2"] == lead["CS.y-te"] == "Sở Y tế"
    assert lead["DA6.1"] == "Sở Thông tin và Truyền thông"
    assert lead["DA2"] == lead["DA4.1"] == lead["DA4.3"] == "Sở Lao động - Thương binh và Xã hội"
    assert lead["DA3.1"] == lead["CS.nuoc-ve-sinh"] == "Sở Nông nghiệp và Phát triển nông thôn"
    assert lead["CS.tin-dung"] is None    # "–" in plan-sections.md
    assert std.section("DA5").name.vi.startswith("Dự án 5")
    assert [s.id for s in std.sections] == sorted((s.id for s in std.sections),
                                                  key=PLAN_SECTIONS.index)


# ---------------------------------------------------------------- income per person

@pytest.mark.parametrize(("total", "people", "per_person", "status"), [
    (4_500_000, 3, 1_500_000, NEAR),    # exactly on the rural line
    (4_500_001, 3, 1_500_001, AVG),     # 1,500,000.33: above the line, so not rounded onto it
    (4_499_999, 3, 1_500_000, NEAR),    # 1,499,999.67: under the line
    (6_750_000, 3, 2_250_000, AVG),     # exactly on the band
    (6_750_001, 3, 2_250_001, ABOVE),
    (0, 1, 0, NEAR),
])
def test_income_per_person_rounds_without_crossing_a_line(std: Standard, total: int, people: int,
                                                          per_person: int, status: Status) -> None:
    assert income_per_person(total, people) == per_person
    assert classify(full(R, per_person, 0), std).status is status


@pytest.mark.parametrize(("total", "people"), [(1_000_000, 0), (-1, 2), (True, 1), (1.5, 2)])
def test_income_per_person_refuses_nonsense(total: Any, people: int) -> None:
    with pytest.raises(ProfileError):
        income_per_person(total, people)


# ---------------------------------------------------------------- JSON lines (CLI contract)

def test_contract_example_line(std: Standard) -> None:
    line = ('{"area": "rural", "income_per_person_month": 1400000, '
            '"deprived": ["bao-hiem-y-te", "nha-tieu"]}')
    out = assess_json_line(line, std)
    assert out["status"] == "near_poor"
    assert out["deprived_count"] == 2
    assert out["deprived"] == ["bao-hiem-y-te", "nha-tieu"]
    assert out["programmes"][:2] == ["CS.y-te", "CS.nuoc-ve-sinh"]
    assert out["standard"] == "07/2021/NĐ-CP" and out["confirmed"] is True
    assert "missing" not in out and "unconfirmed" not in out
    json.dumps(out)


def test_unknown_line_says_what_is_missing(std: Standard) -> None:
    out = assess_json_line('{"area": "urban", "income_per_person_month": 1900000}', std)
    assert out["status"] == "unknown"
    assert out["missing"] == list(CODES)
    out = assess_json_line('{"income_per_person_month": 1.4e6, "deprived": []}', std)
    assert (out["status"], out["missing"]) == ("unknown", ["area"])


def test_partial_answers_in_json(std: Standard) -> None:
    line = json.dumps({"area": "rural", "income_per_person_month": 1_000_000,
                       "deprived": ["viec-lam"], "answered": list(CODES[:10])})
    assert assess_json_line(line, std)["missing"] == list(CODES[10:])


@pytest.mark.parametrize(("line", "says"), [
    ("", "not valid JSON"),
    ("{area: rural}", "not valid JSON"),
    ('{"area": "rural", "income_per_person_month": 1400000', "not valid JSON"),
    ("[1, 2]", "JSON object"),
    ('"rural"', "JSON object"),
    ('{"area": "suburb", "income_per_person_month": 1}', "area"),
    ('{"area": 1, "income_per_person_month": 1}', "area"),
    ('{"area": ["rural"], "income_per_person_month": 1}', "area"),
    ('{"area": "rural", "income_per_person_month": -1}', "negative"),
    ('{"area": "rural", "income_per_person_month": "1400000"}', "whole"),
    ('{"area": "rural", "income_per_person_month": true}', "whole"),
    ('{"area": "rural", "income_per_person_month": 1400000.5}', "whole"),
    ('{"area": "rural", "income_per_person_month": NaN}', "whole"),
    ('{"area": "rural", "income_per_person_month": 1, "deprived": "nha-tieu"}', "list"),
    ('{"area": "rural", "income_per_person_month": 1, "deprived": [1]}', "list"),
    ('{"area": "rural", "income_per_person_month": 1, "deprived": ["toilet"]}', "toilet"),
    ('{"area": "rural", "income_per_person_month": 1, "answered": ["x"]}', "unknown code"),
    ('{"area": "rural", "income_per_person_month": 1, "newly_escaped": "yes"}', "newly_escaped"),
    ('{"area": "rural", "income_per_person_month": 1, "designations": ["bac-ai"]}', "bac-ai"),
    ("[" * 100_000 + "]" * 100_000, ""),
])
def test_malformed_lines_become_error_objects(std: Standard, line: str, says: str) -> None:
    out = assess_json_line(line, std)
    assert set(out) == {"error"}
    assert says in out["error"]


def test_parse_profile_json_raises_a_value_error(std: Standard) -> None:
    with pytest.raises(ProfileError, match="unknown code"):
        parse_profile_json({"area": "rural", "deprived": ["nha-ve-sinh"]}, std)
    assert issubclass(ProfileError, ValueError)
    profile = parse_profile_json({"area": "urban", "income_per_person_month": 2_000_000,
                                  "deprived": ["nha-tieu"], "newly_escaped": True,
                                  "designations": ["poor_district"]})
    assert profile == Profile(U, 2_000_000, frozenset({"nha-tieu"}), None, True,
                              frozenset({Designation.POOR_DISTRICT}))
    assert profile.area is AreaType.URBAN


def test_classify_checks_codes_given_directly(std: Standard) -> None:
    with pytest.raises(ProfileError, match="bhyt"):
        classify(Profile(R, 1, frozenset({"bhyt"})), std)
    with pytest.raises(ProfileError, match="negative"):
        classify(Profile(R, -5, None), std)


# ---------------------------------------------------------------- the data

def test_the_standard_figures_and_references(std: Standard) -> None:
    assert std.codes == CODES
    assert (std.income_line[R], std.income_line[U]) == (1_500_000, 2_000_000)
    assert (std.average_band[R], std.average_band[U]) == (2_250_000, 3_000_000)
    assert std.deprivation_threshold == 3
    assert std.valid_from == date(2022, 1, 1)
    assert "07/2021/NĐ-CP" in std.legal_reference
    assert any("07/2021/TT-BLĐTBXH" in r for r in std.review_references)
    assert any("24/2021/QĐ-TTg" in r for r in std.review_references)
    assert len({i.dimension for i in std.indicators}) == 6


@pytest.mark.parametrize("year", [2026, 2027])
def test_questions_are_plain_yes_no_in_both_languages(year: int) -> None:
    std = standard_for_year(year)
    for ind in std.indicators:
        assert "không" in ind.question.vi and "?" in ind.question.vi, ind.code
        assert ind.question.en.startswith(("Is ", "Does ", "Counting ", "Of ")), ind.code
        assert "?" in ind.question.en and ind.code not in ind.question.en + ind.question.vi
        assert ind.deprived_when.vi and ind.deprived_when.en and ind.name.en
    bhyt = std.indicator("bao-hiem-y-te")
    assert bhyt.question.vi == "Có ai trong nhà từ 6 tuổi trở lên chưa có thẻ BHYT không?"
    assert bhyt.is_deprived(answered_yes=True)
    # asked the other way round before issue 11: now "Có" is the deprivation here too
    water, latrine = std.indicator("nuoc-sinh-hoat"), std.indicator("nha-tieu")
    assert "chưa sạch" in water.question.vi and "not clean" in water.question.en
    assert "chưa có" in latrine.question.vi and latrine.is_deprived(answered_yes=True)
    assert not latrine.is_deprived(answered_yes=False)


# ---------------------------------------------------------------- validity periods

def test_dates_pick_the_standard_in_force(std: Standard) -> None:
    assert load_standard(date(2022, 1, 1)).id == "nd07-2021"
    assert load_standard(date(2026, 12, 31)).id == "nd07-2021"
    assert load_standard(date(2027, 1, 1)).id == "nd351-2025"
    assert load_standard().id == "nd351-2025"   # the latest
    with pytest.raises(StandardError, match="2021-12-31"):
        load_standard(date(2021, 12, 31))   # before 2022: no fallback to the earliest


def _write(tmp_path: Path, edit: Any) -> Path:
    data = yaml.safe_load(DATA_PATH.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "standards.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _add_fake_decree(data: dict[str, Any]) -> None:
    old = data["standards"][-1]
    new = {**old, "id": "fake-2031", "decree": "99/2030/NĐ-CP", "valid_from": date(2031, 1, 1),
           "valid_to": None, "legal_reference": "Nghị định giả định (test only)",
           "income_line": {"rural": 3_000_000, "urban": 3_600_000},
           "average_band": {"rural": 4_500_000, "urban": 5_400_000},
           "indicators": [{"code": c, "carried_from": "nd351-2025"} for c in
                          [i["code"] for i in old["indicators"]]]}
    old["valid_to"] = date(2030, 12, 31)
    data["standards"].append(new)


def test_a_new_decree_is_a_data_change(tmp_path: Path) -> None:
    path = _write(tmp_path, _add_fake_decree)
    old, new = load_standard(date(2030, 12, 31), path), load_standard(date(2031, 1, 1), path)
    assert (old.id, new.id, load_standard(path=path).id) == ("nd351-2025", "fake-2031",
                                                             "fake-2031")
    household = full(R, 2_500_000, 3)
    assert classify(household, old).status is AVG
    assert classify(household, new).status is POOR
    assert classify(household, new).standard_id == "fake-2031"
    assert classify(household, new).decree == "99/2030/NĐ-CP"
    # carried over without a mark: confirmed; the same questions as the standard before
    assert new.unconfirmed == frozenset() and new.codes == old.codes
    assert new.indicator("rac-thai").question == old.indicator("rac-thai").question


# ---------------------------------------------------------------- 2026 and 2027 (351/2025)

def test_the_review_year_picks_the_decree() -> None:
    line = '{"area": "rural", "income_per_person_month": 2000000, "deprived": [], "year": %d}'
    y2026, y2027 = (assess_json_line(line % y) for y in (2026, 2027))
    assert (y2026["standard"], y2026["status"], y2026["year"]) == ("07/2021/NĐ-CP", "average",
                                                                  2026)
    assert (y2027["standard"], y2027["status"], y2027["year"]) == ("351/2025/NĐ-CP",
                                                                  "near_poor", 2027)
    # the default year is the caller's (the CLI passes the clock's year)
    plain = '{"area": "urban", "income_per_person_month": 2800000, "deprived": []}'
    assert assess_json_line(plain, year=2027)["status"] == "near_poor"   # on the new line
    assert assess_json_line(plain, year=2026)["status"] == "average"
    assert "error" in assess_json_line(line % 2021) and "error" in assess_json_line(
        '{"area": "rural", "income_per_person_month": 1, "year": "2027"}')


def test_351_lines_and_threshold() -> None:
    new = standard_for_year(2027)
    assert (new.income_line[R], new.income_line[U]) == (2_200_000, 2_800_000)
    assert new.deprivation_threshold == 3 and len(new.dimensions) == 6
    assert classify(full(R, 2_200_000, 3), new).status is POOR
    assert classify(full(R, 2_200_000, 2), new).status is NEAR
    assert classify(Profile(R, 2_200_001, frozenset(new.codes)), new).status is not POOR
    assert "tiep-can-thong-tin" not in new.codes
    assert {"dich-vu-so", "rac-thai"} <= set(new.codes)
    assert new.indicator("rac-thai").dimension == "nuoc-ve-sinh"
    assert new.agency.vi == "Bộ Nông nghiệp và Môi trường"


def test_unconfirmed_items_are_named_in_the_result() -> None:
    new, old = standard_for_year(2027), standard_for_year(2026)
    above = classify(Profile(R, 3_000_000, frozenset()), new)
    assert above.unconfirmed == ("average_band",)   # the band above the line is provisional
    low = classify(Profile(R, 1_000_000, frozenset({"rac-thai"})), new)
    assert "rac-thai" in low.unconfirmed and "average_band" not in low.unconfirmed
    assert assess_json_line('{"area": "rural", "income_per_person_month": 1, "deprived": [],'
                            ' "year": 2027}')["confirmed"] is False
    assert classify(Profile(R, 1_000_000, frozenset({"nha-tieu"})), old).unconfirmed == ()


def test_review_season_adds_next_year() -> None:
    assert review_years(date(2026, 8, 31)) == (2026,)
    assert review_years(date(2026, 9, 1)) == (2026, 2027)
    assert review_years(date(2026, 12, 31)) == (2026, 2027)
    assert review_years(date(2027, 1, 1)) == (2027,)


def test_every_question_asks_for_the_deprivation() -> None:
    """"Có" always means the deprivation, in every standard (issue 11)."""
    for standard in load_standards():
        for indicator in standard.indicators:
            assert indicator.deprived_answer is Answer.YES, (standard.id, indicator.code)
            assert indicator.is_deprived(answered_yes=True)


@pytest.mark.parametrize("edit", [
    lambda d: d["standards"].append(dict(d["standards"][0], id="overlap")),
    lambda d: d["standards"][0]["income_line"].pop("urban"),
    lambda d: d["standards"][0].update(deprivation_threshold=13),
    lambda d: d["standards"][0]["average_band"].update(rural=1_000_000),
    lambda d: d["standards"][0]["indicators"][0].update(deprived_answer="maybe"),
    lambda d: d["programmes"]["by_status"]["poor"].append("DA9"),
    lambda d: d["programmes"]["by_indicator"]["nha-tieu"].append({"section": "DA5",
                                                                  "for": ["rich"]}),
    lambda d: d["programmes"]["by_indicator"].update({"nha-xi": [{"section": "DA5"}]}),
])
def test_malformed_standards_are_refused_clearly(tmp_path: Path, edit: Any) -> None:
    with pytest.raises(StandardError):
        load_standard(path=_write(tmp_path, edit))
