"""The plan's projects and their report indicators, read from knowledge/data (staff-owned)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parents[1] / "knowledge" / "data" / "report-indicators.yaml"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: dict[str, str]
    unit: dict[str, str]
    plausible_max: int
    targets: Mapping[int, int] = field(default_factory=dict)  # year -> province-wide target

    def target(self, year: int) -> int | None:
        """The target set for that year, or None: never another year's target."""
        return self.targets.get(year)


@dataclass(frozen=True)
class Project:
    section: str
    title: dict[str, str]
    indicators: tuple[Indicator, ...]


@cache
def projects(path: Path = DATA) -> tuple[Project, ...]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(
        Project(p["section"], p["title"], tuple(_indicator(i) for i in p["indicators"]))
        for p in raw["projects"]
    )


def _indicator(raw: dict[str, Any]) -> Indicator:
    targets = raw.get("targets") or {}
    return Indicator(code=raw["code"], name=raw["name"], unit=raw["unit"],
                     plausible_max=int(raw["plausible_max"]),
                     targets={int(year): int(value) for year, value in targets.items()})


def target_years() -> tuple[int, ...]:
    """Every year for which some indicator has a target, oldest first."""
    return tuple(sorted({y for p in projects() for i in p.indicators for y in i.targets}))


def project(section: str) -> Project:
    return next(p for p in projects() if p.section == section)


def indicator(code: str) -> tuple[Project, Indicator]:
    return next((p, i) for p in projects() for i in p.indicators if i.code == code)


def has_project(section: str) -> bool:
    return any(p.section == section for p in projects())
