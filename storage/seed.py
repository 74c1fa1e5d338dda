"""Bundled reference data: the province's units in every epoch (2023, 2025-01, 2025-07), their
lineage, and, when enabled, demo villages and users.

Idempotent: runs on every start and only adds what is missing (a unit, a link, a kind or a
validity date not yet set). Units are looked up by (epoch, code), never by code alone.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from storage.lineage import link
from storage.models import Area, AreaLevel, Household, Identity, User

DATA = Path(__file__).parent / "data"
LOCAL_CHANNELS = ("terminal", "memory")
KINDS = ("thị trấn", "thành phố", "đặc khu", "xã", "phường", "huyện", "tỉnh", "thôn")
Codes = dict[tuple[str, str], Area]


def _rows(name: str) -> Iterator[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(line for line in fh if not line.startswith("#"))


def kind_of(name: str) -> str:
    """The unit's own word, from the start of its official name ("Xã Phước Bình" -> "xã")."""
    lowered = name.lower()
    return next((k for k in KINDS if lowered.startswith(k + " ")), "")


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


class _Units:
    """Units by (epoch, code), with the validity dates of each epoch and of early closures."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.codes: Codes = {(a.epoch, a.code): a for a in session.exec(select(Area)).all()}
        self.spans = {r["epoch"]: (_day(r["valid_from"]), _day(r["valid_to"]))
                      for r in _rows("area-epochs.csv")}
        self.closed = {(r["epoch"], r["code"]): _day(r["valid_to"])
                       for r in _rows("area-closures.csv")}

    def ensure(self, epoch: str, code: str, name: str, level: AreaLevel, parent: Area | None,
               is_demo: bool = False) -> Area:
        start, end = self.spans.get(epoch, (None, None))
        end = self.closed.get((epoch, code), end)
        area = self.codes.get((epoch, code))
        if area is None:
            area = Area(epoch=epoch, code=code, name=name, level=level, is_demo=is_demo,
                        parent_id=parent.id if parent else None)
            self.codes[(epoch, code)] = area
        area.kind = area.kind or kind_of(name)
        area.valid_from = area.valid_from or start
        area.valid_to = area.valid_to or (None if is_demo else end)
        self.session.add(area)
        self.session.flush()
        return area


def _seed_2023(units: _Units) -> None:
    for row in _rows("areas-ninh-thuan-2023.csv"):
        province = units.ensure("2023", row["province_code"], row["province"],
                                AreaLevel.PROVINCE, None)
        district = units.ensure("2023", row["district_code"], row["district"],
                                AreaLevel.DISTRICT, province)
        units.ensure("2023", row["commune_code"], row["commune"], AreaLevel.COMMUNE, district)


def _same(units: _Units, old_epoch: str, new: Area) -> Area | None:
    """The unit of ``old_epoch`` with the same name under a parent of the same name."""
    parent = next((a for a in units.codes.values() if a.id == new.parent_id), None)
    for area in units.codes.values():
        if area.epoch != old_epoch or area.name != new.name or area.level != new.level:
            continue
        old_parent = next((a for a in units.codes.values() if a.id == area.parent_id), None)
        if (old_parent.name if old_parent else None) == (parent.name if parent else None):
            return area
    return None


def _seed_2025(units: _Units) -> None:
    """2025-01: the 62 old units of the conversion table under their 2023 districts (found by
    name); each linked to the 2023 unit of the same name and district (not the same code:
    Phường Phủ Hà had 22747 in 2023 and 22750 in 2025). 2025-07: the new units directly under
    the new province, linked from 2025-01 as the table says."""
    epochs = {r["epoch"]: r for r in _rows("area-epochs.csv")}
    old_p, new_p = epochs["2025-01"], epochs["2025-07"]
    province = units.ensure("2025-01", old_p["province_code"], old_p["province"],
                            AreaLevel.PROVINCE, None)
    khanh_hoa = units.ensure("2025-07", new_p["province_code"], new_p["province"],
                             AreaLevel.PROVINCE, None)
    district_codes = {r["district"]: r["district_code"]
                      for r in _rows("areas-ninh-thuan-2023.csv")}
    for row in _rows("khanh-hoa-2025-lineage.csv"):
        district = units.ensure("2025-01", district_codes[row["old_district"]],
                                row["old_district"], AreaLevel.DISTRICT, province)
        old = units.ensure("2025-01", row["old_code"], row["old_name"], AreaLevel.COMMUNE,
                           district)
        new = units.ensure("2025-07", row["new_code"], row["new_name"], AreaLevel.COMMUNE,
                           khanh_hoa)
        link(units.session, new, old, partial=row["partial"] == "yes")
    link(units.session, khanh_hoa, province)
    for area in [a for a in units.codes.values() if a.epoch == "2025-01"]:
        earlier = _same(units, "2023", area)
        if earlier is not None:
            link(units.session, area, earlier)


def seed_areas(session: Session, demo: bool) -> None:
    units = _Units(session)
    _seed_2023(units)
    _seed_2025(units)
    for row in _rows("area-designations.csv"):
        area = units.codes[(row["epoch"], row["code"])]
        if row["designation"] not in area.designations:
            area.designations = [*area.designations, row["designation"]]
            session.add(area)
    if demo:
        for row in _rows("demo-villages.csv"):
            units.ensure(row["commune_epoch"], row["code"], row["name"], AreaLevel.VILLAGE,
                         units.codes[(row["commune_epoch"], row["commune_code"])], is_demo=True)
        seed_demo_users(session, units.codes)
        seed_demo_households(session, units.codes)


def seed_demo_users(session: Session, codes: Codes) -> None:
    for row in _rows("demo-users.csv"):
        user = session.exec(select(User).where(User.handle == row["handle"])).first()
        if user is None:
            user = User(handle=row["handle"], role=row["role"], language=row["language"],
                        area_id=codes[(row["area_epoch"], row["area_code"])].id)
            session.add(user)
            session.flush()
        for channel in LOCAL_CHANNELS:
            found = session.exec(select(Identity).where(
                Identity.channel == channel, Identity.external_id == row["handle"])).first()
            if found is None:
                assert user.id is not None
                session.add(Identity(channel=channel, external_id=row["handle"], user_id=user.id))


def seed_demo_households(session: Session, codes: Codes) -> None:
    """Invented households of the demo villages (no real person's data)."""
    if session.exec(select(Household).limit(1)).first() is not None:
        return
    for row in _rows("demo-households.csv"):
        area_id = codes[(row["village_epoch"], row["village_code"])].id
        assert area_id is not None
        session.add(Household(area_id=area_id, head_name=row["head_name"],
                              members=int(row["members"]), status=row["status"]))
