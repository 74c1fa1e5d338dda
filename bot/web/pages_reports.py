"""Pages about reporting: the home page, completeness and timeliness (as DHIS2's
reporting-rate summary), the overdue list with reminders, progress against the plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import Response

from bot.web import scope
from bot.web.render import page
from bot.web.state import read, web_of
from handlers import officework
from handlers.overview import year_figures
from handlers.report_catalog import projects, target_years
from scheduler.timetable import Calendar, deadline, deadline_end, period_of
from storage import feedback, overdue, progress, rates, review
from storage.models import Area, AreaLevel
from storage.people import subtree_ids
from storage.progress import Unit

BY_VILLAGE = (AreaLevel.COMMUNE, AreaLevel.VILLAGE)


@dataclass(frozen=True)
class Totals:
    expected: int
    received: int
    on_time: int


def totals(units: list[Unit]) -> Totals:
    return Totals(sum(u.expected for u in units), sum(u.received for u in units),
                  sum(u.on_time for u in units))


def units_of(session: Session, cal: Calendar, area: Area, period: str) -> list[Unit]:
    assert area.id is not None
    return progress.completeness(session, area.id, period, deadline_end(cal, period),
                                 area.level in BY_VILLAGE)


def codes(session: Session, ids: list[int]) -> dict[int, str]:
    query = select(Area.id, Area.code).where(col(Area.id).in_(ids))
    return {int(i or 0): str(c) for i, c in session.exec(query).all()}


def home(request: Request) -> Response:
    with read(request) as (session, who, now):
        cal = web_of(request).cal
        period = period_of(cal, now)
        units = units_of(session, cal, who.area, period)
        ids = subtree_ids(session, who.area.id or 0)
        month_ago = now - timedelta(days=30)
        shares = feedback.topic_shares(session, ids, since=month_ago, unplaced=who.province)
        return page(request, who, "home.html", period=period, sums=totals(units),
                    deadline=deadline(cal, period),
                    updates=len(officework.pending_updates(session, who.user)),
                    questions=len(officework.open_questions(session, who.user)),
                    feedback_total=sum(s.total for s in shares),
                    not_right=sum(s.not_right for s in shares))


def completeness(request: Request) -> Response:
    with read(request) as (session, who, now):
        cal = web_of(request).cal
        shown, period = scope.area(request, session, who), scope.period(request, cal, now)
        units = units_of(session, cal, shown, period)
        ids = [u.area_id for u in units]
        return page(request, who, "completeness.html", shown=shown, period=period,
                    periods=scope.recent_periods(cal, now), units=units, sums=totals(units),
                    by_village=shown.level in BY_VILLAGE, codes=codes(session, ids),
                    locks=review.approvals(session, ids, period),
                    deadline=deadline(cal, period), trail_rows=scope.trail(session, who, shown))


def overdue_page(request: Request) -> Response:
    with read(request) as (session, who, now):
        cal = web_of(request).cal
        shown, period = scope.area(request, session, who), scope.period(request, cal, now)
        assert shown.id is not None
        missing, officers = overdue.overdue(session, shown.id, period)
        due = deadline(cal, period)
        late = (now.astimezone(cal.tz).date() - due).days
        return page(request, who, "overdue.html", shown=shown, period=period,
                    periods=scope.recent_periods(cal, now), missing=missing,
                    officers=officers, deadline=due, late=late,
                    wide_area=shown.level not in BY_VILLAGE,
                    trail_rows=scope.trail(session, who, shown))


@dataclass(frozen=True)
class Month:
    period: str
    expected: int
    received: int
    on_time: int


def trend(session: Session, cal: Calendar, area: Area, year: int, now: datetime) -> list[Month]:
    """Reporting and on-time rates of each month of the year so far (one query)."""
    last = period_of(cal, now)
    months = [f"{year:04d}-{m:02d}" for m in range(1, 13) if f"{year:04d}-{m:02d}" <= last]
    assert area.id is not None
    expected = rates.villages(session, area.id)  # a village: itself
    found = rates.monthly(session, area.id, {p: deadline_end(cal, p) for p in months})
    return [Month(p, expected, *found[p]) for p in months]


def progress_page(request: Request) -> Response:
    with read(request) as (session, who, now):
        cal = web_of(request).cal
        shown, year = scope.area(request, session, who), scope.year(request, now)
        assert shown.id is not None
        figures, districts = year_figures(session, shown.id, year)
        targeted = [i for p in projects() for i in p.indicators if i.target(year)]
        return page(request, who, "progress.html", shown=shown, year=year,
                    districts=districts, targeted=targeted,
                    years=list(range(now.year, now.year - 4, -1)), projects=projects(),
                    target_years=target_years(),
                    figures=figures, months=trend(session, cal, shown, year, now),
                    trail_rows=scope.trail(session, who, shown))
