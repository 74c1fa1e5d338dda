"""Officers' figures, in SQL: completeness and timeliness of monthly reports, indicator totals,
the rows of an export, broadcast audiences, and what the reminder planner needs to know.

Aggregates are GROUP BY queries, never Python loops over reports or households: a province
has about 500 villages, 150,000 households and 6,000 village reports a year. Datetimes are
compared as they are stored (UTC).
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, or_, true
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot.base.clock import aware
from storage import lineage
from storage.models import (
    Area,
    AreaLevel,
    Conversation,
    Household,
    Identity,
    OutboxMessage,
    Report,
    ReportVersion,
    User,
)
from storage.people import subtree_ids
from storage.rollup import Places

PUSH_CHANNELS = ("telegram", "zalo")
VILLAGE = AreaLevel.VILLAGE.value


def _run(session: Session, query: Any) -> Any:
    """Run a core query of any width (sqlmodel's ``select`` is typed up to four columns)."""
    return session.exec(query)


@dataclass(frozen=True)
class Unit:
    """One village or commune: villages expected to report, received, received on time."""

    area_id: int
    name: str
    expected: int
    received: int
    on_time: int


def _first_sent(period: str) -> Any:
    """Per village: when its first report of the period was first sent (corrections later
    do not make a report late, nor an overdue one on time)."""
    return (select(col(Report.area_id).label("area_id"),
                   func.min(ReportVersion.created_at).label("first"))
            .join(ReportVersion, col(ReportVersion.report_id) == col(Report.id))
            .where(Report.period == period, ReportVersion.version == 1)
            .group_by(col(Report.area_id)).subquery())


def _month(period: str) -> tuple[date, date]:
    year, month = int(period[:4]), int(period[5:7])
    return date(year, month, 1), date(year, month, monthrange(year, month)[1])


def completeness(session: Session, root_id: int, period: str, due_before: datetime,
                 by_village: bool) -> list[Unit]:
    """Per village (``by_village``) or per commune of the area's subtree, counting the
    villages that existed in that month; communes are today's (``rollup.Places``): a 2023
    village's reports count for the commune that took its commune over."""
    ids = subtree_ids(session, root_id)
    first = _first_sent(period)
    start, end = _month(period)
    on_time = func.sum(case((first.c.first < due_before, 1), else_=0))
    columns: tuple[Any, ...] = (Area.id, Area.name, Area.parent_id, func.count(first.c.first),
                                on_time)
    query = (sa_select(*columns).select_from(Area).outerjoin(first, first.c.area_id == Area.id)
             .where(col(Area.level) == VILLAGE, col(Area.id).in_(ids),
                    or_(col(Area.valid_to).is_(None), col(Area.valid_to) >= start),
                    or_(col(Area.valid_from).is_(None), col(Area.valid_from) <= end))
             .group_by(col(Area.id), col(Area.name), col(Area.parent_id)))
    villages = [(int(i), str(n), p, int(r), int(t or 0)) for i, n, p, r, t in
                _run(session, query).all()]
    if by_village:
        return sorted((Unit(i, n, 1, r, t) for i, n, _, r, t in villages),
                      key=lambda u: (u.name, u.area_id))
    places, sums = Places(session), dict[int, Unit]()
    for village_id, _, parent, received, timely in villages:
        commune = places.commune_of(village_id) or places.areas.get(parent)
        if commune is None or commune.id is None:
            continue
        had = sums.get(commune.id, Unit(commune.id, commune.name, 0, 0, 0))
        sums[commune.id] = Unit(commune.id, commune.name, had.expected + 1,
                                had.received + received, had.on_time + timely)
    return sorted(sums.values(), key=lambda u: (u.name, u.area_id))


def _pairs(session: Session, column: Any) -> Any:
    """A JSON object column as (key, value) rows: json_each (SQLite), json_each_text (PG)."""
    name = "json_each_text" if session.get_bind().dialect.name == "postgresql" else "json_each"
    return getattr(func, name)(column).table_valued("key", "value")


def indicator_totals(session: Session, root_id: int, year: int) -> dict[str, int]:
    """Sum of the latest version of every report of the year, per indicator code."""
    return add_up(indicator_totals_by_area(session, subtree_ids(session, root_id), year))


def add_up(per_area: dict[int, dict[str, int]]) -> dict[str, int]:
    """Figures per unit summed over the units, per indicator code."""
    totals: dict[str, int] = {}
    for figures in per_area.values():
        for key, value in figures.items():
            totals[key] = totals.get(key, 0) + value
    return totals


def indicator_totals_by_area(session: Session, ids: list[int],
                             year: int) -> dict[int, dict[str, int]]:
    """Like ``indicator_totals``, per unit the reports were made under."""
    pairs = _pairs(session, ReportVersion.values)
    query = (select(Report.area_id, pairs.c.key, func.sum(cast(pairs.c.value, Integer)))
             .join(ReportVersion, and_(col(ReportVersion.report_id) == col(Report.id),
                                       col(ReportVersion.version) == col(Report.version)))
             .join(pairs, true())
             .where(col(Report.area_id).in_(ids),
                    col(Report.period).between(f"{year:04d}-01", f"{year:04d}-12"))
             .group_by(col(Report.area_id), pairs.c.key))
    found: dict[int, dict[str, int]] = {}
    for area_id, key, value in session.exec(query).all():
        found.setdefault(int(area_id), {})[str(key)] = int(value or 0)
    return found


def village_paths(session: Session, root_id: int) -> dict[int, dict[str, str]]:
    """For each village under the area: its commune today and its district in the 2023 plan
    (both from the lineage; a commune still to be assigned keeps its own name)."""
    places = Places(session)
    paths: dict[int, dict[str, str]] = {}
    for area in (places.areas.get(i) for i in subtree_ids(session, root_id)):
        if area is None or area.level != VILLAGE or area.id is None:
            continue
        path = {node.level: node.name for node in reversed(places.up(area.id))}
        commune, district = places.commune_of(area.id), places.former_district(area.id)
        path.update({"commune": commune.name} if commune else {})
        path["district"] = district.name if district else ""
        paths[area.id] = path
    return paths


def report_rows(session: Session, root_id: int, period: str | None) -> Iterator[Any]:
    """Reports of the area (latest content, first and last sending), streamed."""
    latest, first = aliased(ReportVersion), aliased(ReportVersion)
    columns: tuple[Any, ...] = (Report.area_id, Report.period, Report.receipt, Report.project,
                                Report.version, latest.values, latest.no_change, latest.note,
                                first.created_at, latest.created_at)
    query = (sa_select(*columns)
             .join(latest, and_(col(latest.report_id) == col(Report.id),
                                col(latest.version) == col(Report.version)))
             .join(first, and_(col(first.report_id) == col(Report.id), col(first.version) == 1))
             .where(col(Report.area_id).in_(subtree_ids(session, root_id)),
                    col(Report.withdrawn_at).is_(None)))
    if period is not None:
        query = query.where(col(Report.period) == period)
    query = query.order_by(col(Report.period), col(Report.area_id), col(Report.project))
    yield from _run(session, query.execution_options(yield_per=2000))


def household_rows(session: Session, root_id: int) -> Iterator[Any]:
    """The household register of the area, streamed."""
    columns: tuple[Any, ...] = (Household.id, Household.area_id, Household.head_name,
                                Household.members, Household.status, Household.updated_at)
    query = (sa_select(*columns)
             .where(col(Household.area_id).in_(subtree_ids(session, root_id)))
             .order_by(col(Household.area_id), col(Household.id)))
    yield from _run(session, query.execution_options(yield_per=5000))


# Broadcast audiences --------------------------------------------------------------------

def _members(role: str, ids: list[int]) -> Any:
    return and_(col(User.role) == role, col(User.reachable).is_(True),
                col(User.area_id).in_(ids))


def audience_counts(session: Session, root_id: int, role: str) -> tuple[int, int]:
    """(people of the role in the area, of whom reachable on a push channel)."""
    where = _members(role, subtree_ids(session, root_id))
    total = session.exec(select(func.count(col(User.id))).where(where)).one()
    push = session.exec(select(func.count(func.distinct(Identity.user_id)))
                        .join(User, col(User.id) == col(Identity.user_id))
                        .where(where, col(Identity.channel).in_(PUSH_CHANNELS))).one()
    return int(total), int(push)


def audience(session: Session, root_id: int, role: str) -> dict[int, tuple[str, list[Any]]]:
    """user id -> (language, [(channel, external id), ...] of push accounts)."""
    where = _members(role, subtree_ids(session, root_id))
    query = (select(User.id, User.language, Identity.channel, Identity.external_id)
             .outerjoin(Identity, and_(col(Identity.user_id) == col(User.id),
                                       col(Identity.channel).in_(PUSH_CHANNELS)))
             .where(where).order_by(col(User.id), col(Identity.id)))
    found: dict[int, tuple[str, list[Any]]] = {}
    for user_id, language, channel, external in session.exec(query):
        accounts = found.setdefault(int(user_id or 0), (str(language), []))[1]
        if channel is not None:
            accounts.append((str(channel), str(external)))
    return found


# What the reminder planner needs --------------------------------------------------------

def staff(session: Session) -> list[User]:
    """Collaborators, officers and administrators (citizens get no reminders)."""
    return list(session.exec(select(User).where(col(User.role) != "citizen")).all())


def accounts(session: Session, user_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    query = (select(Identity.user_id, Identity.channel, Identity.external_id)
             .where(col(Identity.user_id).in_(list(user_ids))).order_by(col(Identity.id)))
    for user_id, channel, external in session.exec(query):
        found.setdefault(int(user_id or 0), []).append((str(channel), str(external)))
    return found


def dialogs_touched(session: Session, since: datetime, until: datetime) -> dict[int, datetime]:
    """user id -> when a dialog still open in one of the user's chats was last touched."""
    query = (select(Identity.user_id, Conversation.dialog, Conversation.updated_at)
             .join(Identity, and_(col(Identity.channel) == col(Conversation.channel),
                                  col(Identity.external_id) == col(Conversation.external_user_id)))
             .where(col(Conversation.updated_at) >= since, col(Conversation.updated_at) <= until))
    found: dict[int, datetime] = {}
    for user_id, dialog, at in session.exec(query):
        if dialog:  # an ended dialog is stored as JSON null, not SQL NULL
            found[int(user_id)] = max(aware(at), found.get(int(user_id), aware(at)))
    return found


def areas(session: Session) -> list[Area]:
    """Every area still in use (merged ones are closed), and the units above them (a village
    that outlived its commune is still placed under it)."""
    every = {a.id: a for a in session.exec(select(Area)).all()}
    kept: dict[int | None, Area] = {}
    for area in every.values():
        here: Area | None = area if area.valid_to is None else None
        while here is not None and here.id not in kept:
            kept[here.id] = here
            here = every.get(here.parent_id)
    return list(kept.values())


def reported(session: Session, periods: Iterable[str]) -> frozenset[tuple[int, str]]:
    query = (select(Report.area_id, Report.period).distinct()
             .where(col(Report.period).in_(list(periods))))
    return frozenset((int(a), str(p)) for a, p in session.exec(query))


def existing_keys(session: Session, keys: Iterable[str]) -> set[str]:
    wanted = list(keys)
    if not wanted:
        return set()
    query = select(OutboxMessage.dedup_key).where(col(OutboxMessage.dedup_key).in_(wanted))
    return {str(k) for k in session.exec(query)}


def area_by_code(session: Session, code: str) -> Area | None:
    """The open unit with this code, else the newest epoch's (see ``lineage.area_for_code``)."""
    return lineage.area_for_code(session, code)


def top_area(session: Session) -> Area | None:
    """The province today: the open root of the area tree (its lineage reaches the roots of
    earlier epochs), else the first root."""
    roots = session.exec(select(Area).where(col(Area.parent_id).is_(None))
                         .order_by(col(Area.id))).all()
    return next((a for a in roots if a.valid_to is None), roots[0] if roots else None)
