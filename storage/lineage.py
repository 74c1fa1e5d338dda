"""Lineage of administrative units across epochs: which units took over which.

Units live in epochs (``Area.epoch``: "2023", "2025-01", "2025-07"); a code is an identity
only together with its epoch. ``AreaLineage`` links a newer unit to an older one it took over,
wholly or in part (``partial``: the old unit was split, e.g. Phường Đông Hải of 2025-01 went
partly to Phường Đông Hải and partly to Xã Phước Dinh of 2025-07). Links are many-to-many and
chain across epochs (2023 -> 2025-01 -> 2025-07); the functions below follow them
transitively. A closed unit without any successor (the three Phan Rang-Tháp Chàm wards merged
in 2024, which the national conversion table does not cover) "needs an officer's choice":
no link is invented for it.

Data: ``storage/data/khanh-hoa-2025-lineage.csv`` (see ``storage.seed``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import Area, AreaLevel


class AreaLineage(SQLModel, table=True):
    """``new_id`` took over ``old_id`` (all of it, or a part of it when ``partial``)."""

    __table_args__ = (UniqueConstraint("new_id", "old_id"),)
    id: int | None = Field(default=None, primary_key=True)
    new_id: int = Field(foreign_key="area.id", index=True)
    old_id: int = Field(foreign_key="area.id", index=True)
    partial: bool = False


@dataclass(frozen=True)
class Link:
    """A unit reached through the lineage; ``partial`` when any step on the way was partial
    (only a part of the starting unit's territory and records belongs to it)."""

    area: Area
    partial: bool


@dataclass(frozen=True)
class OldUnit:
    """One old commune-level unit and one current unit that took it over (for the commune
    finder). ``new_*`` are None when the old unit needs an officer's choice (no link in the
    data); ``partial`` when only a part of the old unit went to this new one."""

    old_id: int
    old_epoch: str
    old_code: str
    old_name: str
    old_kind: str
    old_district: str | None
    new_id: int | None
    new_code: str | None
    new_name: str | None
    new_kind: str | None
    partial: bool

    @property
    def needs_choice(self) -> bool:
        return self.new_id is None


def link(session: Session, new: Area, old: Area, partial: bool = False) -> None:
    """Record that ``new`` took over ``old`` (idempotent)."""
    assert new.id is not None and old.id is not None
    found = session.exec(select(AreaLineage).where(
        AreaLineage.new_id == new.id, AreaLineage.old_id == old.id)).first()
    if found is None:
        session.add(AreaLineage(new_id=new.id, old_id=old.id, partial=partial))


def _edges(session: Session) -> list[tuple[int, int, bool]]:
    rows = session.exec(select(AreaLineage.new_id, AreaLineage.old_id, AreaLineage.partial))
    return [(int(n), int(o), bool(p)) for n, o, p in rows]


Step = dict[int, list[tuple[int, bool]]]


def forward_map(session: Session) -> Step:
    """old id -> [(new id, partial)]: who took each unit over."""
    forward: Step = {}
    for new, old, partial in _edges(session):
        forward.setdefault(old, []).append((new, partial))
    return forward


def back_map(session: Session) -> Step:
    """new id -> [(old id, partial)]: what each unit took over."""
    backward: Step = {}
    for new, old, partial in _edges(session):
        backward.setdefault(new, []).append((old, partial))
    return backward


def whole_successors(area_id: int, forward: Step) -> set[int]:
    """Later units that took over all of ``area_id`` (no partial step on the way)."""
    return {i for i, partial in walk(area_id, forward).items() if not partial}


def walk(start: int, step: Step) -> dict[int, bool]:
    """Every id reachable from ``start`` -> partial (True only if every path was partial)."""
    found: dict[int, bool] = {}
    frontier = [(start, False)]
    while frontier:
        here, partial = frontier.pop()
        for nxt, p in step.get(here, []):
            now = partial or p
            if nxt not in found or (found[nxt] and not now):
                found[nxt] = now
                frontier.append((nxt, now))
    return found


def _links(session: Session, found: dict[int, bool]) -> list[Link]:
    if not found:
        return []
    areas = session.exec(select(Area).where(col(Area.id).in_(list(found)))).all()
    ordered = sorted(areas, key=lambda a: (a.epoch, a.name))
    return [Link(a, found[a.id or 0]) for a in ordered]


def successor_ids(session: Session, area_id: int) -> dict[int, bool]:
    """id -> partial of every later unit that took over ``area_id`` (transitively)."""
    return walk(area_id, forward_map(session))


def predecessor_ids(session: Session, area_id: int) -> dict[int, bool]:
    """id -> partial of every earlier unit ``area_id`` took over (transitively)."""
    return walk(area_id, back_map(session))


def successors(session: Session, area_id: int) -> list[Link]:
    """Every later unit that took over the area, oldest epoch first."""
    return _links(session, successor_ids(session, area_id))


def predecessors(session: Session, area_id: int) -> list[Link]:
    """Every earlier unit the area took over, oldest epoch first."""
    return _links(session, predecessor_ids(session, area_id))


def current_units(session: Session, area_id: int) -> list[Link]:
    """The unit(s) that hold the area's territory today: the area itself while it is open
    and has no successor, else its successors that have none of their own (open ones).
    Empty for a closed unit without successors: an officer has to choose."""
    found = successor_ids(session, area_id)
    if not found:
        area = session.get(Area, area_id)
        return [Link(area, False)] if area is not None and area.valid_to is None else []
    olds = {old for _, old, _ in _edges(session)}
    return [x for x in _links(session, found) if x.area.id not in olds and x.area.valid_to is None]


def find_area(session: Session, epoch: str, code: str) -> Area | None:
    """The unit with this code in this epoch (a code alone is not an identity)."""
    return session.exec(select(Area).where(Area.epoch == epoch, Area.code == code)).first()


def area_for_code(session: Session, code: str) -> Area | None:
    """What someone typing a code means: the open unit with that code, else the unit of the
    oldest epoch that had it, the plan's list the records were made under ("2025-01:22783"
    names an epoch explicitly)."""
    epoch, _, bare = code.rpartition(":")
    query = select(Area).where(col(Area.code).in_([bare, bare.upper()]))
    if epoch:
        query = query.where(Area.epoch == epoch)
    found = list(session.exec(query).all())
    found.sort(key=lambda a: (a.valid_to is not None, a.epoch))
    return found[0] if found else None


def _old_rows(session: Session, old: Area, districts: dict[int, str]) -> Iterable[OldUnit]:
    district = districts.get(old.parent_id or 0)
    base = (old.id or 0, old.epoch, old.code, old.name, old.kind, district)
    current = current_units(session, old.id or 0)
    if not current:
        yield OldUnit(*base, None, None, None, None, False)
    for x in current:
        yield OldUnit(*base, x.area.id, x.area.code, x.area.name, x.area.kind, x.partial)


def old_units(session: Session) -> list[OldUnit]:
    """Every closed commune-level unit, one row per current unit that took it over (a split
    unit has several rows, each ``partial``); a unit that needs an officer's choice has one
    row with ``new_*`` None. Ordered by old epoch, then old name."""
    closed = session.exec(select(Area).where(Area.level == AreaLevel.COMMUNE.value,
                                             col(Area.valid_to).is_not(None))).all()
    parents = {a.parent_id for a in closed if a.parent_id is not None}
    districts = {int(i or 0): str(n) for i, n in session.exec(
        select(Area.id, Area.name).where(col(Area.id).in_(list(parents))))}
    rows: list[OldUnit] = []
    for old in sorted(closed, key=lambda a: (a.epoch, a.name)):
        rows.extend(_old_rows(session, old, districts))
    return rows
