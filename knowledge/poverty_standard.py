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
    id: str
    valid_from: date
    valid_to: date | None  # inclusive; None = still in force
    legal_reference: str
    review_references: tuple[str, ...]
    income_line: Mapping[AreaType, int]  # đồng/person/month; at or under = poor or near-poor
    average_band: Mapping[AreaType, int]  # upper bound of "mức sống trung bình"
    deprivation_threshold: int
    dimensions: Mapping[str, Text]
    indicators: tuple[Indicator, ...]
    sections: tuple[Section, ...]  # in plan-sections.md order
    rules: tuple[Rule, ...]

    def __hash__(self) -> int:
        return hash((self.id, self.valid_from))

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.indicators)

    def indicator(self, code: str) -> Indicator:
        return next(i for i in self.indicators if i.code == code)

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)


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


@lru_cache(maxsize=8)
def load_standards(path: Path = DATA_PATH) -> tuple[Standard, ...]:
    """All standards in the file, oldest first, checked; StandardError if malformed."""
    try:
        root = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        sections, rules = _parse_programmes(root["programmes"])
        found = [_parse_standard(raw, sections, rules) for raw in root["standards"]]
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
    return tuple(standards)


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


def _parse_standard(m: dict[str, Any], sections: tuple[Section, ...],
                    rules: tuple[Rule, ...]) -> Standard:
    indicators = tuple(Indicator(str(i["code"]), str(i["dimension"]), _text(i["name"]),
                                 _text(i["deprived_when"]), _text(i["question"]),
                                 Answer(i["deprived_answer"])) for i in m["indicators"])
    return Standard(
        id=str(m["id"]), valid_from=_date(m["valid_from"]),
        valid_to=None if m.get("valid_to") is None else _date(m["valid_to"]),
        legal_reference=str(m["legal_reference"]),
        review_references=tuple(str(r) for r in m.get("review_reference") or ()),
        income_line={a: _whole(m["income_line"][a.value]) for a in AreaType},
        average_band={a: _whole(m["average_band"][a.value]) for a in AreaType},
        deprivation_threshold=_whole(m["deprivation_threshold"]),
        dimensions={str(k): _text(v) for k, v in m["dimensions"].items()},
        indicators=indicators, sections=sections, rules=rules)


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


def _text(m: dict[str, Any]) -> Text:
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
