"""Exports (xlsx/csv, downloaded) and the audit log."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlmodel import Session, col, select
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from bot.web import scope
from bot.web.auth import Denied, Viewer, check_csrf
from bot.web.pages_work import names_of
from bot.web.render import page
from bot.web.state import read, web_of, write
from handlers.export import Made, export
from storage import audit, progress
from storage.models import Area, User
from storage.people import in_scope, subtree_ids

TABLES = ("reports", "households")
AUDIT_PAGE = 50
MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "csv": "text/csv; charset=utf-8"}


def exports(request: Request) -> Response:
    with read(request) as (session, who, now):
        cal = web_of(request).cal
        shown = scope.area(request, session, who)
        return page(request, who, "exports.html", shown=shown,
                    periods=scope.recent_periods(cal, now, 24),
                    trail_rows=scope.trail(session, who, shown))


def _asked(session: Session, who: Viewer, form: dict[str, str]) -> tuple[Area, str | None,
                                                                          str, str]:
    """The export asked for: area (in scope), month or all, format, table (csv)."""
    check_csrf(who, form.get("csrf"))
    code = form.get("area") or who.area.code
    area = progress.area_by_code(session, code[:32])
    if area is None or not in_scope(session, who.user, area.id):
        raise Denied
    period = form.get("period") or None
    if period is not None and not scope.PERIOD.match(period):
        period = None
    fmt = form.get("format") if form.get("format") in MEDIA else "xlsx"
    table = form.get("table") if form.get("table") in TABLES else TABLES[0]
    return area, period, str(fmt), str(table)


def _write_file(request: Request, form: dict[str, str]) -> tuple[Path, str, Area, str]:
    with read(request) as (session, who, now):
        area, period, fmt, table = _asked(session, who, form)
        folder = Path(tempfile.mkdtemp(prefix="giamngheo-web-"))
        name = f"baocao-{area.code}-{period or 'all'}.{fmt}"
        by = who.tr("officer.about.web", role=who.tr(f"role.{who.user.role}"),
                    number=who.user_id, area=who.area.name)
        done = export(session, area, period, fmt, folder / name, who.tr,
                      web_of(request).cal, names=who.names, made=Made(by, now))
        path = done.paths[1] if fmt == "csv" and table == "households" else done.paths[0]
        return path, fmt, area, f"format={fmt} table={table} period={period or 'all'}"


async def download(request: Request) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    path, fmt, area, detail = await run_in_threadpool(_write_file, request, form)
    await run_in_threadpool(_log_export, request, area, detail)
    return FileResponse(path, media_type=MEDIA[fmt], filename=path.name,
                        background=BackgroundTask(_remove, path.parent))


def _log_export(request: Request, area: Area, detail: str) -> None:
    with write(request) as (session, who, now):
        audit.record(session, actor_id=who.user_id, role=who.user.role,
                     action=audit.Action.EXPORT, target=audit.Target.AREA, target_id=area.id,
                     area_id=area.id, via=audit.Via.WEB, at=now, detail=detail)


def _remove(folder: Path) -> None:
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()


def audit_page(request: Request) -> Response:
    with read(request) as (session, who, _now):
        ids = subtree_ids(session, who.area.id or 0)
        number = scope.page_number(request)
        entries = audit.entries(session, ids, limit=AUDIT_PAGE,
                                offset=(number - 1) * AUDIT_PAGE, unplaced=who.province)
        total = audit.count(session, ids, unplaced=who.province)
        actors = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(
            [e.actor_id for e in entries if e.actor_id]))).all()}
        return page(request, who, "audit.html", entries=entries, total=total,
                    number=number, size=AUDIT_PAGE, actors=actors,
                    places=names_of(session, {e.area_id for e in entries if e.area_id}),
                    details={e.id: _detail(e.detail) for e in entries})


def _detail(text: str) -> list[tuple[str, str]]:
    """``"period=2026-03 format=xlsx"`` → [("period", "2026-03"), ("format", "xlsx")]."""
    return [tuple(part.split("=", 1)) for part in text.split() if "=" in part]  # type: ignore[misc]
