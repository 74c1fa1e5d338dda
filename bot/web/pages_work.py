"""Pages where officers act: the approval queue (household updates, villages' monthly
reports), citizens' open questions, the household register, the "not right" answers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import Response

from bot.web import scope
from bot.web.auth import Viewer
from bot.web.pages_reports import BY_VILLAGE, codes, units_of
from bot.web.render import page
from bot.web.state import read, web_of
from handlers import officework
from handlers.report_catalog import projects
from storage import feedback, progress, register, review
from storage.models import Area, AreaLevel, Household, HouseholdUpdate
from storage.people import subtree_ids

SECTIONS = Path(__file__).resolve().parents[2] / "knowledge" / "data" / "sections.yaml"
SHOWN = 30  # pending updates shown at once (the oldest first)
STATUSES = ("poor", "near_poor", "escaped", "average", "above_average", "moved")


def names_of(session: Session, ids: set[int]) -> dict[int, str]:
    query = select(Area.id, Area.name).where(col(Area.id).in_(list(ids)))
    return {int(i or 0): str(n) for i, n in session.exec(query).all()}


def places_of(session: Session, ids: set[int]) -> dict[int, dict[str, str]]:
    """village id -> {"village": its name, "commune": its parent's name}."""
    parent = Area.__table__.alias("parent")  # type: ignore[attr-defined]
    query = (select(Area.id, Area.name, parent.c.name)
             .outerjoin(parent, parent.c.id == col(Area.parent_id))
             .where(col(Area.id).in_(list(ids))))
    return {int(i or 0): {"village": str(v), "commune": str(c or "")}
            for i, v, c in session.exec(query).all()}


@dataclass(frozen=True)
class Pending:
    update: HouseholdUpdate
    who: str  # the household head's name as the viewer may see it
    village: str


def pending(session: Session, who: Viewer, inside: set[int]) -> tuple[list[Pending], int]:
    """The oldest pending updates of the area (at most SHOWN), and how many there are."""
    waiting = [u for u in officework.pending_updates(session, who.user) if u.area_id in inside]
    updates = waiting[:SHOWN]
    villages = names_of(session, {u.area_id for u in updates})
    heads = {h.id: h.head_name for h in session.exec(select(Household).where(col(
        Household.id).in_([u.household_id for u in updates if u.household_id])))}
    return [Pending(u, who.names(heads.get(u.household_id or 0) or str(u.data.get("name", ""))),
                    villages.get(u.area_id, "")) for u in updates], len(waiting)


def village_reports(session: Session, area: Area, period: str) -> dict[int, list[Any]]:
    """village id -> its reports of the period: (project title or None, version, values)."""
    titles = {p.section: p.title for p in projects()}
    found: dict[int, list[Any]] = {}
    for row in progress.report_rows(session, area.id or 0, period):
        found.setdefault(row[0], []).append((titles.get(row[3]), row[4], row[5] or {}))
    return found


def approved_per_commune(session: Session, area: Area, period: str) -> Counter[int]:
    ids = subtree_ids(session, area.id or 0)
    villages = dict(session.exec(select(Area.id, Area.parent_id).where(
        col(Area.id).in_(ids), Area.level == AreaLevel.VILLAGE.value)).all())
    locks = review.approvals(session, [int(v or 0) for v in villages], period)
    return Counter(int(villages[v] or 0) for v in locks)


def approvals(request: Request) -> Response:
    with read(request) as (session, who, now):
        cal = web_of(request).cal
        shown, period = scope.area(request, session, who), scope.period(request, cal, now)
        units = units_of(session, cal, shown, period)
        by_village = shown.level in BY_VILLAGE
        ids = [u.area_id for u in units]
        shown_updates, waiting = pending(session, who, set(subtree_ids(session, shown.id or 0)))
        return page(request, who, "approvals.html", shown=shown, period=period,
                    periods=scope.recent_periods(cal, now), pending=shown_updates,
                    waiting=waiting,
                    units=units, by_village=by_village, codes=codes(session, ids),
                    locks=review.approvals(session, ids, period) if by_village else {},
                    approved=({} if by_village else approved_per_commune(session, shown,
                                                                         period)),
                    reports=village_reports(session, shown, period) if by_village else {},
                    trail_rows=scope.trail(session, who, shown))


def questions(request: Request) -> Response:
    with read(request) as (session, who, _now):
        waiting = officework.open_questions(session, who.user)
        places = names_of(session, {q.area_id for q in waiting if q.area_id is not None})
        return page(request, who, "questions.html", waiting=waiting[:100],
                    total=len(waiting), places=places)


def households(request: Request) -> Response:
    with read(request) as (session, who, _now):
        shown = scope.area(request, session, who)
        text = (request.query_params.get("q") or "").strip()[:100]
        status = request.query_params.get("status") or ""
        status = status if status in STATUSES else ""
        number = scope.page_number(request)
        inside = None if shown.parent_id is None else subtree_ids(session, shown.id or 0)
        found = register.search(session, inside, text, status or None, number)
        villages = places_of(session, {h.area_id for h in found.rows})
        return page(request, who, "households.html", shown=shown, q=text, wanted=status,
                    statuses=STATUSES, found=found, number=number, size=register.PAGE,
                    villages=villages, trail_rows=scope.trail(session, who, shown))


@cache
def section_titles() -> dict[str, str]:
    raw = yaml.safe_load(SECTIONS.read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in (raw.get("sections") or {}).items()}


def feedback_page(request: Request) -> Response:
    with read(request) as (session, who, _now):
        ids = subtree_ids(session, who.area.id or 0)
        section = request.query_params.get("section") or None
        shares = feedback.topic_shares(session, ids, unplaced=who.province)
        items = feedback.not_right(session, ids, section, limit=100, unplaced=who.province)
        return page(request, who, "feedback.html", shares=shares, items=items,
                    section=section, titles=section_titles(),
                    places=names_of(session, {i.area_id for i in items if i.area_id}))
