"""The poverty-standard rules as pure functions: classify a household, the CLI's JSON lines.

Nothing here reads the clock (callers pass the date to ``load_standard``) or prints. Results
are indicative: the official classification comes from the commune's annual review.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from knowledge.poverty_standard import (
    DATA_PATH,
    GROUPS,
    NEWLY_ESCAPED,
    PLACES,
    Answer,
    AreaType,
    Designation,
    Indicator,
    Rule,
    Section,
    Standard,
    StandardError,
    Status,
    Text,
    load_standard,
    load_standards,
    standard_for_year,
)

__all__ = [
    "DATA_PATH", "GROUPS", "NEWLY_ESCAPED", "PLACES", "Answer", "AreaType", "Assessment",
    "Designation", "Indicator", "Profile", "ProfileError", "Rule", "Section", "Standard",
    "StandardError", "Status", "Text", "assess_json_line", "classify", "income_per_person",
    "load_standard", "load_standards", "parse_profile_json", "standard_for_year",
]


class ProfileError(ValueError):
    """A household profile (or a JSON line describing one) is malformed."""


@dataclass(frozen=True)
class Profile:
    """What is known of a household. `deprived=None`: no indicator answered yet.

    Answered = `answered` (all indicators when it is None and `deprived` is given) plus the
    deprived ones. An unanswered indicator is not a "no".
    """
    area: AreaType | None
    income_per_person_month: int | None
    deprived: frozenset[str] | None
    answered: frozenset[str] | None = None
    newly_escaped: bool = False
    designations: frozenset[Designation] = frozenset()


@dataclass(frozen=True)
class Assessment:
    status: Status
    deprived: tuple[str, ...]  # in the standard's order
    deprived_count: int
    missing: tuple[str, ...]  # "area", "income", indicator codes: what would decide it
    programmes: tuple[str, ...]  # section ids: indicator-driven first, then plan order
    standard_id: str  # for records
    decree: str = ""  # shown: "07/2021/NĐ-CP"
    unconfirmed: tuple[str, ...] = ()  # items the result rests on that the decree's text
    # does not confirm ("income_line", "average_band", indicator codes): the commune decides

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status.value, "deprived_count": self.deprived_count,
                               "deprived": list(self.deprived),
                               "programmes": list(self.programmes), "standard": self.decree,
                               "confirmed": not self.unconfirmed}
        if self.unconfirmed:
            out["unconfirmed"] = list(self.unconfirmed)
        if self.status is Status.UNKNOWN:
            out["missing"] = list(self.missing)
        return out


# ---------------------------------------------------------------- rules

def income_per_person(total_month: int, people: int) -> int:
    """Household income per month / members, rounded UP to whole đồng.

    Lines and bands are whole đồng, so ceil(x) <= line exactly when x <= line: 4,500,000 for
    3 people is 1,500,000 (on the line), 4,500,001 is 1,500,001 (above it). Flooring would put
    1,500,000.33 on the line.
    """
    for name, value in (("total_month", total_month), ("people", people)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ProfileError(f"{name} must be a whole number, got {value!r}")
    if total_month < 0:
        raise ProfileError(f"household income cannot be negative: {total_month}")
    if people < 1:
        raise ProfileError(f"a household has at least 1 person, got {people}")
    return -(-total_month // people)


def classify(profile: Profile, standard: Standard) -> Assessment:
    """The status the answers point to, what is still missing, the programmes that may apply."""
    _validate(profile, standard)
    codes, income = standard.codes, profile.income_per_person_month
    deprived_set = profile.deprived or frozenset()
    deprived = tuple(c for c in codes if c in deprived_set)
    unanswered = tuple(c for c in codes if c not in _answered(profile, codes))
    low = _low_statuses(len(deprived), len(unanswered), standard.deprivation_threshold)
    areas = tuple(AreaType) if profile.area is None else (AreaType(profile.area),)
    candidates = _candidates(areas, income, low, standard)
    status = Status.UNKNOWN
    if profile.area is not None and income is not None and len(candidates) == 1:
        status = candidates[0]
    missing: list[str] = []
    if status is Status.UNKNOWN:
        missing += ["area"] if profile.area is None else []
        missing += ["income"] if income is None else []
        missing += unanswered if len(low) > 1 and Status.POOR in candidates else ()
    programmes = _programmes(profile, deprived_set, candidates, standard)
    unsure = _unconfirmed(profile, candidates, frozenset(codes) - set(unanswered), standard)
    return Assessment(status, deprived, len(deprived), tuple(missing), programmes, standard.id,
                      standard.decree, unsure)


def _unconfirmed(profile: Profile, candidates: tuple[Status, ...], answered: frozenset[str],
                 std: Standard) -> tuple[str, ...]:
    """The unconfirmed items of the standard that this result rests on."""
    used: set[str] = set()
    if profile.income_per_person_month is not None:
        used.add("income_line")
    if Status.AVERAGE in candidates or Status.ABOVE_AVERAGE in candidates:
        used.add("average_band")
    if Status.POOR in candidates or Status.NEAR_POOR in candidates:
        used.update(answered)
    order = ("income_line", "average_band", *std.codes)
    return tuple(item for item in order if item in used and item in std.unconfirmed)


def _answered(profile: Profile, codes: tuple[str, ...]) -> frozenset[str]:
    deprived = profile.deprived or frozenset()
    if profile.answered is not None:
        return profile.answered | deprived
    return frozenset(codes) if profile.deprived is not None else frozenset()


def _low_statuses(deprived: int, unanswered: int, threshold: int) -> tuple[Status, ...]:
    """What a household at or under the line is, given the indicator answers so far."""
    if deprived >= threshold:
        return (Status.POOR,)
    if deprived + unanswered < threshold:
        return (Status.NEAR_POOR,)
    return (Status.POOR, Status.NEAR_POOR)


def _candidates(areas: tuple[AreaType, ...], income: int | None, low: tuple[Status, ...],
                std: Standard) -> tuple[Status, ...]:
    """Every status still possible, in Status order."""
    found: set[Status] = set()
    for area in areas:
        if income is None:
            found.update((*low, Status.AVERAGE, Status.ABOVE_AVERAGE))
        elif income <= std.income_line[area]:
            found.update(low)
        elif income <= std.average_band[area]:
            found.add(Status.AVERAGE)
        else:
            found.add(Status.ABOVE_AVERAGE)
    return tuple(s for s in Status if s in found)


def _programmes(profile: Profile, deprived: frozenset[str], candidates: tuple[Status, ...],
                std: Standard) -> tuple[str, ...]:
    """Programmes for the status; while undecided, only those every possible status gets."""
    each = [_eligible(profile, deprived, status, std) for status in candidates]
    common = set(each[0]).intersection(*each[1:])
    return tuple(s for s in each[0] if s in common)


def _eligible(profile: Profile, deprived: frozenset[str], status: Status,
              std: Standard) -> tuple[str, ...]:
    groups = {status.value, NEWLY_ESCAPED} if profile.newly_escaped else {status.value}
    places = {str(d) for d in profile.designations}
    hits = [r for r in std.rules
            if (r.indicator is None or r.indicator in deprived)
            and (r.groups is None or not r.groups.isdisjoint(groups))
            and (r.where is None or not r.where.isdisjoint(places))]
    order = {s.id: n for n, s in enumerate(std.sections)}
    hits.sort(key=lambda r: (r.indicator is None, order[r.section]))
    return tuple(dict.fromkeys(r.section for r in hits))


def _validate(profile: Profile, standard: Standard) -> None:
    area, income = profile.area, profile.income_per_person_month
    if area is not None and area not in list(AreaType):
        raise ProfileError(f"area must be 'rural' or 'urban', got {area!r}")
    if income is not None and (isinstance(income, bool) or not isinstance(income, int)):
        raise ProfileError(f"income_per_person_month must be whole đồng, got {income!r}")
    if income is not None and income < 0:
        raise ProfileError(f"income_per_person_month cannot be negative: {income}")
    _check_codes("deprived", profile.deprived or (), standard.codes)
    _check_codes("answered", profile.answered or (), standard.codes)
    _check_codes("designations", profile.designations, PLACES)


def _check_codes(name: str, given: Iterable[object], known: tuple[str, ...]) -> None:
    unknown = sorted(str(code) for code in given if code not in known)
    if unknown:
        raise ProfileError(f"unknown code(s) in {name}: {', '.join(unknown)}; "
                           f"known codes: {', '.join(known)}")


# ---------------------------------------------------------------- JSON (CLI contract)

def parse_profile_json(obj: object, standard: Standard | None = None) -> Profile:
    """A Profile from {"area", "income_per_person_month", "deprived"} (+ optional "answered",
    "newly_escaped", "designations"). A "deprived" list without "answered" means all answered.
    """
    std = standard if standard is not None else load_standard()
    if not isinstance(obj, dict):
        raise ProfileError(f"a household profile must be a JSON object, got {type(obj).__name__}")
    income = obj.get("income_per_person_month")
    if isinstance(income, float) and income.is_integer():
        income = int(income)  # 1.4e6 is whole đồng; 1400000.5 is refused by _validate
    newly = obj.get("newly_escaped", False)
    if not isinstance(newly, bool):
        raise ProfileError(f"newly_escaped must be true or false, got {newly!r}")
    deprived, answered, places = (_json_list(obj, k) for k in ("deprived", "answered",
                                                               "designations"))
    _check_codes("designations", places or (), PLACES)
    designations = frozenset(Designation(p) for p in places or ())
    profile = Profile(obj.get("area"), income, deprived, answered, newly, designations)
    _validate(profile, std)
    return profile if profile.area is None else replace(profile, area=AreaType(profile.area))


def _json_list(obj: dict[str, Any], key: str) -> frozenset[str] | None:
    value = obj.get(key)
    if value is not None and not (isinstance(value, list)
                                  and all(isinstance(v, str) for v in value)):
        raise ProfileError(f"{key} must be a list of codes, got {value!r}")
    return None if value is None else frozenset(value)


def assess_json_line(line: str, standard: Standard | None = None, *,
                     year: int | None = None) -> dict[str, Any]:
    """The `giamngheo assess --json` output object for one input line; never raises.

    The rule set: the line's "year" (the review year) if given, else `year` (the caller's
    current year), else `standard`. The output names it ("standard": the decree's number)."""
    try:
        obj = json.loads(line)
        if isinstance(obj, dict) and "year" in obj:
            year = obj["year"]
            if isinstance(year, bool) or not isinstance(year, int):
                raise ProfileError(f"year must be a whole number (the review year), got {year!r}")
        std = standard_for_year(year) if year is not None else standard or load_standard()
        out = classify(parse_profile_json(obj, std), std).to_json()
        return out if year is None else {**out, "year": year}
    except json.JSONDecodeError as exc:
        return {"error": f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"}
    except (ValueError, RecursionError) as exc:
        return {"error": str(exc) or type(exc).__name__}


def support_sections(std: Standard, group: str) -> tuple[str, ...]:
    """Sections a household of ``group`` (a Status value) may get under some condition (its
    place, a deprivation), in the plan's order."""
    wanted = {r.section for r in std.rules if r.groups is None or group in r.groups}
    return tuple(s.id for s in std.sections if s.id in wanted)
