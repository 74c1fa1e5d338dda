"""Bundled reference data: the province's areas (2023) and, when enabled, demo villages and users.

Idempotent: runs on every start and only adds what is missing.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from sqlmodel import Session, select

from storage.models import Area, AreaLevel, Household, Identity, User

DATA = Path(__file__).parent / "data"
LOCAL_CHANNELS = ("terminal", "memory")


def _rows(name: str) -> Iterator[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def _ensure_area(
    session: Session, codes: dict[str, Area], code: str, name: str, level: AreaLevel,
    parent: Area | None, is_demo: bool = False,
) -> Area:
    area = codes.get(code)
    if area is None:
        area = Area(code=code, name=name, level=level, is_demo=is_demo,
                    parent_id=parent.id if parent else None)
        session.add(area)
        session.flush()
        codes[code] = area
    return area


def seed_areas(session: Session, demo: bool) -> None:
    codes = {a.code: a for a in session.exec(select(Area)).all()}
    for row in _rows("areas-ninh-thuan-2023.csv"):
        province = _ensure_area(session, codes, row["province_code"], row["province"],
                                AreaLevel.PROVINCE, None)
        district = _ensure_area(session, codes, row["district_code"], row["district"],
                                AreaLevel.DISTRICT, province)
        _ensure_area(session, codes, row["commune_code"], row["commune"], AreaLevel.COMMUNE,
                     district)
    for row in _rows("area-designations.csv"):
        area = codes[row["code"]]
        if row["designation"] not in area.designations:
            area.designations = [*area.designations, row["designation"]]
            session.add(area)
    if demo:
        for row in _rows("demo-villages.csv"):
            _ensure_area(session, codes, row["code"], row["name"], AreaLevel.VILLAGE,
                         codes[row["commune_code"]], is_demo=True)
        seed_demo_users(session, codes)
        seed_demo_households(session, codes)


def seed_demo_users(session: Session, codes: dict[str, Area]) -> None:
    for row in _rows("demo-users.csv"):
        user = session.exec(select(User).where(User.handle == row["handle"])).first()
        if user is None:
            user = User(handle=row["handle"], role=row["role"], language=row["language"],
                        area_id=codes[row["area_code"]].id)
            session.add(user)
            session.flush()
        for channel in LOCAL_CHANNELS:
            found = session.exec(select(Identity).where(
                Identity.channel == channel, Identity.external_id == row["handle"])).first()
            if found is None:
                assert user.id is not None
                session.add(Identity(channel=channel, external_id=row["handle"], user_id=user.id))


def seed_demo_households(session: Session, codes: dict[str, Area]) -> None:
    """Invented households of the demo villages (no real person's data)."""
    if session.exec(select(Household).limit(1)).first() is not None:
        return
    for row in _rows("demo-households.csv"):
        area_id = codes[row["village_code"]].id
        assert area_id is not None
        session.add(Household(area_id=area_id, head_name=row["head_name"],
                              members=int(row["members"]), status=row["status"]))
