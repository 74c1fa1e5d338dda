"""The plan's projects and their report indicators, read from knowledge/data (staff-owned)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parents[1] / "knowledge" / "data" / "report-indicators.yaml"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: dict[str, str]
    unit: dict[str, str]
    target_2023: int | None
    plausible_max: int


@dataclass(frozen=True)
class Project:
    section: str
    title: dict[str, str]
    indicators: tuple[Indicator, ...]


@cache
def projects(path: Path = DATA) -> tuple[Project, ...]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(
        Project(p["section"], p["title"], tuple(Indicator(**i) for i in p["indicators"]))
        for p in raw["projects"]
    )


def project(section: str) -> Project:
    return next(p for p in projects() if p.section == section)


def indicator(code: str) -> tuple[Project, Indicator]:
    return next((p, i) for p in projects() for i in p.indicators if i.code == code)


def has_project(section: str) -> bool:
    return any(p.section == section for p in projects())
