"""The area and period a page is about, as asked in its query string, within the viewer's
scope: ``?area=CODE`` (an area of the viewer's subtree), ``?period=YYYY-MM``, ``?year=``."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlmodel import Session
from starlette.requests import Request

from bot.web.auth import Denied, Viewer
from scheduler.timetable import Calendar, period_of, shift
from storage import progress
from storage.models import Area
from storage.people import in_scope
from storage.repo import area_path

PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def area(request: Request, session: Session, who: Viewer, name: str = "area") -> Area:
    """The area asked for (default: the viewer's); outside the viewer's scope: refused."""
    code = (request.query_params.get(name) or "").strip()
    if not code:
        return who.area
    found = progress.area_by_code(session, code[:32])
    if found is None or not in_scope(session, who.user, found.id):
        raise Denied
    return found


def period(request: Request, cal: Calendar, now: datetime) -> str:
    asked = request.query_params.get("period") or ""
    return asked if PERIOD.match(asked) else period_of(cal, now)


def year(request: Request, now: datetime) -> int:
    asked = request.query_params.get("year") or ""
    return int(asked) if asked.isdigit() and 2000 <= int(asked) <= now.year + 1 else now.year


def recent_periods(cal: Calendar, now: datetime, months: int = 12) -> list[str]:
    current = period_of(cal, now)
    return [shift(current, -i) for i in range(months)]


def trail(session: Session, who: Viewer, shown: Area) -> list[Any]:
    """From the viewer's area down to the area shown (rows with .code, .name, .level)."""
    path = list(reversed(area_path(session.connection(), shown.id)))
    start = next((i for i, a in enumerate(path) if a.id == who.area.id), 0)
    return path[start:]


def page_number(request: Request) -> int:
    asked = request.query_params.get("page") or ""
    return int(asked) if asked.isdigit() and 0 < int(asked) < 100_000 else 1
