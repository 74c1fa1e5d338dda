"""Reading records across the 2025 reform.

A household, report, user or invite keeps the unit (and so the epoch) it was made under;
nothing is moved. Reading them, ``Places`` puts each unit under the commune that holds it
today (``commune_of``: Thôn Mẫu Một of 2023 under Xã Bác Ái Tây) and the district it lay in
under the 2023 plan (``former_district``: Huyện Bác Ái), both computed from the lineage.
A unit split between new ones (Phường Đông Hải) or merged without a link in the data (three
wards of 2024) has no single current commune: ``commune_of`` gives None and callers show it
as needing assignment instead of counting it twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from storage import lineage
from storage.models import Area, AreaLevel, Household, Report
from storage.people import unassigned_ids

PLAN_EPOCH = "2023"  # the districts the 2021-2025 plan's targets were set for


class Places:
    """Every unit and the lineage, read once; answers are cached for one reading."""

    def __init__(self, session: Session) -> None:
        self.areas = {a.id: a for a in session.exec(select(Area)).all() if a.id is not None}
        self.forward = lineage.forward_map(session)
        self.back = lineage.back_map(session)
        self._communes: dict[int, Area | None] = {}
        self._districts: dict[int, Area | None] = {}

    def up(self, area_id: int | None) -> list[Area]:
        """The unit and the units above it, nearest first."""
        found: list[Area] = []
        while area_id is not None and (area := self.areas.get(area_id)) is not None:
            found.append(area)
            area_id = area.parent_id
        return found

    def current(self, area_id: int) -> Area | None:
        """The open unit holding all of this one today (itself while open), or None."""
        area = self.areas.get(area_id)
        if area is None or area.valid_to is None:
            return area
        whole = [self.areas[i] for i in lineage.whole_successors(area_id, self.forward)
                 if i not in self.forward and self.areas[i].valid_to is None]
        return whole[0] if len(whole) == 1 else None

    def commune_of(self, area_id: int) -> Area | None:
        """Today's commune-level unit of a village or commune (None: needs assignment)."""
        if area_id not in self._communes:
            self._communes[area_id] = self._commune_of(area_id)
        return self._communes[area_id]

    def former_district(self, area_id: int) -> Area | None:
        """The 2023 district the unit lay in: found above it, or above every unit it (or a
        unit above it) took over; None when those lay in several districts (Xã Mỹ Sơn)."""
        if area_id not in self._districts:
            self._districts[area_id] = self._former_district(area_id)
        return self._districts[area_id]

    def _commune_of(self, area_id: int) -> Area | None:
        commune = next((a for a in self.up(area_id) if a.level == AreaLevel.COMMUNE), None)
        return self.current(commune.id or 0) if commune is not None else None

    def _former_district(self, area_id: int) -> Area | None:
        found: dict[int, Area] = {}
        for area in self.up(area_id):
            for older in [area.id or 0, *lineage.walk(area.id or 0, self.back)]:
                for above in self.up(older):
                    if above.level == AreaLevel.DISTRICT and above.epoch == PLAN_EPOCH:
                        found[above.id or 0] = above
        return next(iter(found.values())) if len(found) == 1 else None


@dataclass(frozen=True)
class Unassigned:
    """Records under units split between several new ones, not counted for any of them."""

    units: tuple[str, ...]  # the split units' names (commune level)
    households: int
    reports: int

    @classmethod
    def none(cls) -> Unassigned:
        return cls((), 0, 0)


def unassigned(session: Session, root_id: int) -> Unassigned:
    """What waits for assignment under ``root_id`` (``people.unassigned_ids``)."""
    ids = unassigned_ids(session, root_id)
    if not ids:
        return Unassigned.none()
    names = session.exec(select(Area.name).where(col(Area.id).in_(ids),
                                                 Area.level == AreaLevel.COMMUNE)).all()
    households = session.exec(select(func.count()).select_from(Household)
                              .where(col(Household.area_id).in_(ids))).one()
    reports = session.exec(select(func.count()).select_from(Report)
                           .where(col(Report.area_id).in_(ids))).one()
    return Unassigned(tuple(sorted(set(names))), int(households), int(reports))


def by_former_district(session: Session, per_area: dict[int, dict[str, int]]
                       ) -> list[tuple[str | None, dict[str, int]]]:
    """Figures per unit summed by the 2023 district each unit lay in (None: a unit whose
    land came from several districts), districts by name, None last."""
    places = Places(session)
    sums: dict[str | None, dict[str, int]] = {}
    for area_id, values in per_area.items():
        district = places.former_district(area_id)
        bucket = sums.setdefault(district.name if district else None, {})
        for code, value in values.items():
            bucket[code] = bucket.get(code, 0) + value
    return sorted(sums.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
