"""The multidimensional poverty standard as data: types and the loader.

Lines, bands, indicators, question wording and the programme mapping live in
``knowledge/data/poverty-standard.yaml``; a new decree is a new entry there, with its validity
period. The rules over this data are in ``knowledge.poverty``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

DATA_PATH = Path(__file__).resolve().parent / "data" / "poverty-standard.yaml"
NEWLY_ESCAPED = "newly_escaped"  # hộ mới thoát nghèo: a programme group, not a Status


class StandardError(ValueError):
    """The standards file is malformed, or no standard is valid on the date asked."""


class AreaType(StrEnum):
    RURAL = "rural"
    URBAN = "urban"


class Status(StrEnum):
    POOR = "poor"
    NEAR_POOR = "near_poor"
    AVERAGE = "average"
    ABOVE_AVERAGE = "above_average"
    UNKNOWN = "unknown"  # cannot tell yet: see Assessment.missing


class Designation(StrEnum):
    """Where a household lives, as far as programme eligibility cares."""
    POOR_DISTRICT = "poor_district"  # huyện nghèo
    DISADVANTAGED_COASTAL_COMMUNE = "disadvantaged_coastal_commune"  # xã ĐBKK bãi ngang ven biển


class Answer(StrEnum):
    YES = "yes"
    NO = "no"


GROUPS = frozenset({*(s.value for s in Status if s is not Status.UNKNOWN), NEWLY_ESCAPED})
PLACES = tuple(d.value for d in Designation)


@dataclass(frozen=True)
class Text:
    vi: str
    en: str


@dataclass(frozen=True)
class Indicator:
    code: str
    dimension: str
    name: Text
    deprived_when: Text
    question: Text  # plain yes/no question for the self-assessment
    deprived_answer: Answer  # the answer to `question` that means "deprived"
    confirmed: bool = True  # False: the threshold is not confirmed from the decree's text

    def is_deprived(self, answered_yes: bool) -> bool:
        return answered_yes == (self.deprived_answer is Answer.YES)


@dataclass(frozen=True)
class Section:
    id: str
    name: Text
    agency: Text | None  # lead agency (chủ trì); None where plan-sections.md says "–"


@dataclass(frozen=True)
class Rule:
    """A household may get `section` when every condition that is set holds."""
    section: str
    indicator: str | None = None  # deprived in this indicator
    groups: frozenset[str] | None = None  # any of: Status values, NEWLY_ESCAPED
    where: frozenset[str] | None = None  # any of: Designation values


@dataclass(frozen=True)
class Standard:
    id: str  # for records only; never shown
    valid_from: date
    valid_to: date | None  # inclusive; None = still in force
    decree: str  # the number shown to people and in `giamngheo assess`: "07/2021/NĐ-CP"
    agency: Text  # the ministry in charge of the standard
    legal_reference: str
    review_references: tuple[str, ...]
    income_line: Mapping[AreaType, int]  # đồng/person/month; at or under = poor or near-poor
    average_band: Mapping[AreaType, int]  # upper bound of "mức sống trung bình"
    deprivation_threshold: int
    dimensions: Mapping[str, Text]
    indicators: tuple[Indicator, ...]
    sections: tuple[Section, ...]  # in plan-sections.md order
    rules: tuple[Rule, ...]
    unconfirmed: frozenset[str] = frozenset()  # "income_line", "average_band", indicator codes

    def __hash__(self) -> int:
        return hash((self.id, self.valid_from))

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.indicators)

    def indicator(self, code: str) -> Indicator:
        return next(i for i in self.indicators if i.code == code)

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)


@dataclass(frozen=True)
class ReviewSeason:
    """When the commune's annual review runs (month, day; inclusive), and for which year."""
    start: tuple[int, int]
    end: tuple[int, int]
    for_next_year: bool
    reference: str

    def contains(self, day: date) -> bool:
        return self.start <= (day.month, day.day) <= self.end


def review_season(path: Path | str = DATA_PATH) -> ReviewSeason:
    return _load(Path(path))[1]


def review_years(day: date, path: Path | str = DATA_PATH) -> tuple[int, ...]:
    """The years a household may be assessed for on `day`: this year, and in the review
    season (for the next year's lists) the next year too, when a standard covers it."""
    season = review_season(path)
    years = [day.year]
    if season.for_next_year and season.contains(day):
        years.append(day.year + 1)
    return tuple(y for y in years if _covering(y, Path(path)) is not None)


def standard_for_year(year: int, path: Path | str = DATA_PATH) -> Standard:
    """The rule set of a review year: the standard in force on 1 January of that year."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise StandardError(f"year must be a whole number, got {year!r}")
    found = _covering(year, Path(path))
    if found is None:
        return load_standard(date(max(year, 1), 1, 1), path)  # raises with the known spans
    return found


def _covering(year: int, path: Path) -> Standard | None:
    if not 1 <= year <= 9999:
        raise StandardError(f"year out of range: {year}")
    on = date(year, 1, 1)
    return next((s for s in load_standards(path)
                 if s.valid_from <= on and (s.valid_to is None or on <= s.valid_to)), None)


def load_standard(on: date | None = None, path: Path | str = DATA_PATH) -> Standard:
    """The standard in force on `on` (bounds inclusive); the latest one when `on` is None.

    A date no standard covers (e.g. before 2022) raises StandardError: there is no fallback
    to the earliest, since applying a standard that was not in force would be wrong.
    """
    standards = load_standards(Path(path))
    if on is None:
        return standards[-1]
    for std in standards:
        if std.valid_from <= on and (std.valid_to is None or on <= std.valid_to):
            return std
    spans = ", ".join(f"{s.id} from {s.valid_from} to {s.valid_to or 'now'}" for s in standards)
    raise StandardError(f"no poverty standard is valid on {on.isoformat()} (known: {spans})")


def load_standards(path: Path = DATA_PATH) -> tuple[Standard, ...]:
    """All standards in the file, oldest first, checked; StandardError if malformed."""
    return _load(Path(path))[0]


@lru_cache(maxsize=8)
def _load(path: Path) -> tuple[tuple[Standard, ...], ReviewSeason]:
    try:
        root = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        sections, rules = _parse_programmes(root["programmes"])
        found: list[Standard] = []
        for raw in sorted(root["standards"], key=lambda m: _date(m["valid_from"])):
            found.append(_parse_standard(raw, sections, rules, {s.id: s for s in found}))
        season = _parse_season(root.get("review_season"))
    except (OSError, yaml.YAMLError, LookupError, TypeError, ValueError, AttributeError) as exc:
        raise StandardError(f"{path}: malformed poverty standards: {exc!r}") from exc
    standards = sorted(found, key=lambda s: s.valid_from)
    problems = [p for s in standards for p in _problems(s)]
    problems += [f"{a.id} must end before {b.id} starts" for a, b in pairwise(standards)
                 if a.valid_to is None or a.valid_to >= b.valid_from]
    codes = {c for s in standards for c in s.codes}
    problems += [f"unknown indicator {r.indicator}" for r in rules
                 if r.indicator is not None and r.indicator not in codes]
    if not standards or problems:
        raise StandardError(f"{path}: " + "; ".join(dict.fromkeys(problems or ["no standards"])))
    return tuple(standards), season


def _problems(s: Standard) -> list[str]:
    codes, sections = s.codes, {x.id for x in s.sections}
    out = [f"{s.id}: duplicate indicator codes"] if len(set(codes)) != len(codes) else []
    out += [f"{s.id}: unknown dimension {i.dimension}" for i in s.indicators
            if i.dimension not in s.dimensions]
    if not 1 <= s.deprivation_threshold <= len(codes):
        out.append(f"{s.id}: deprivation_threshold must be 1..{len(codes)}")
    out += [f"{s.id}: {a} needs 0 < income_line <= average_band" for a in AreaType
            if not 0 < s.income_line[a] <= s.average_band[a]]
    out += [f"programmes: unknown section, status or place in {r}" for r in s.rules
            if r.section not in sections or (r.groups or set()) - GROUPS
            or (r.where or set()) - set(PLACES)]
    return out


def _parse_standard(m: dict[str, Any], sections: tuple[Section, ...], rules: tuple[Rule, ...],
                    older: Mapping[str, Standard]) -> Standard:
    indicators = tuple(_parse_indicator(i, older) for i in m["indicators"])
    values = ("income_line", "average_band", "deprivation_threshold")
    unconfirmed = {k for k in values if isinstance(m[k], dict) and m[k].get("confirmed") is False}
    return Standard(
        id=str(m["id"]), valid_from=_date(m["valid_from"]),
        valid_to=None if m.get("valid_to") is None else _date(m["valid_to"]),
        decree=_str(m["decree"]), agency=_text(m["agency"]),
        legal_reference=str(m["legal_reference"]),
        review_references=tuple(str(r) for r in m.get("review_reference") or ()),
        income_line={a: _whole(m["income_line"][a.value]) for a in AreaType},
        average_band={a: _whole(m["average_band"][a.value]) for a in AreaType},
        deprivation_threshold=_whole(m["deprivation_threshold"]),
        dimensions={str(k): _text(v) for k, v in m["dimensions"].items()},
        indicators=indicators, sections=sections, rules=rules,
        unconfirmed=frozenset(unconfirmed | {i.code for i in indicators if not i.confirmed}))


def _parse_indicator(m: dict[str, Any], older: Mapping[str, Standard]) -> Indicator:
    """An indicator; `carried_from: ID` takes the older standard's one of the same code,
    with the fields written next to it replacing its own."""
    base: dict[str, Any] = {}
    if "carried_from" in m:
        was = older[str(m["carried_from"])].indicator(str(m["code"]))
        base = {"dimension": was.dimension, "name": was.name, "deprived_when": was.deprived_when,
                "question": was.question, "deprived_answer": was.deprived_answer}
    f = {**base, **{k: v for k, v in m.items() if k != "carried_from"}}
    confirmed = f.get("confirmed", True)
    if not isinstance(confirmed, bool):
        raise TypeError(f"confirmed must be true or false, got {confirmed!r}")
    return Indicator(str(f["code"]), str(f["dimension"]), _text(f["name"]),
                     _text(f["deprived_when"]), _text(f["question"]),
                     Answer(f["deprived_answer"]), confirmed)


def _parse_season(m: dict[str, Any] | None) -> ReviewSeason:
    if m is None:
        raise KeyError("review_season")
    start, end = ((_whole(m[k]["month"]), _whole(m[k]["day"])) for k in ("from", "to"))
    for month, day in (start, end):
        date(2000, month, day)  # a real day of the year, or ValueError
    return ReviewSeason(start, end, bool(m.get("for_next_year", True)), _str(m["reference"]))


def _parse_programmes(m: dict[str, Any]) -> tuple[tuple[Section, ...], tuple[Rule, ...]]:
    agencies = {k: _text(v) for k, v in m["agencies"].items()}
    sections = tuple(Section(str(s["id"]), _text(s), agencies[s["agency"]] if s["agency"] else None)
                     for s in m["sections"])
    rules = [Rule(str(sec), groups=frozenset([g])) for g, sec in _pairs(m.get("by_status"))]
    rules += [Rule(str(sec), where=frozenset([p])) for p, sec in _pairs(m.get("by_designation"))]
    rules += [Rule(str(r["section"]), code, _set(r.get("for")), _set(r.get("where")))
              for code, r in _pairs(m["by_indicator"])]
    return sections, tuple(rules)


def _pairs(table: dict[str, Any] | None) -> list[tuple[str, Any]]:
    """{key: [a, b]} -> [(key, a), (key, b)], in the file's order."""
    return [(str(key), item) for key, items in (table or {}).items() for item in items or ()]


def _str(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty text, got {value!r}")
    return value


def _text(m: Any) -> Text:
    if isinstance(m, Text):
        return m
    if not all(isinstance(m.get(k), str) and m[k].strip() for k in ("vi", "en")):
        raise ValueError(f"needs non-empty 'vi' and 'en' texts: {m!r}")
    return Text(m["vi"], m["en"])


def _whole(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected a whole number, got {value!r}")
    return value


def _date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _set(value: object) -> frozenset[str] | None:
    if value is not None and not isinstance(value, list):
        raise TypeError(f"expected a list, got {value!r}")
    return None if value is None else frozenset(str(v) for v in value)
