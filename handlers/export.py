"""/xuat and ``giamngheo export``: an area's reports and household register.

xlsx: one workbook, two sheets ("Báo cáo", "Sổ hộ"), Vietnamese headers (the user's language
in chat), numbers as numbers, dates as dates (local time), and a third sheet saying who made
the export and when, and whether household heads' names are masked (``storage.privacy``).
csv: UTF-8 with a BOM so that Excel reads the accents: FILE holds the reports, FILE-ho (same
extension) the households and FILE-info who made it and when. One report row per indicator
figure; a "no change" report is one row.
``/xuat [YYYY-MM] [csv] [CODE]``: a month (default: all), csv (default: xlsx), an area of my
subtree (default: my area).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bot.base.i18n import Tr, fmt_month, fmt_number
from bot.base.messages import Outgoing
from bot.core.context import Context
from bot.core.env import private
from bot.core.router import OFFICIALS, Command, Journey
from handlers.overview import PERIOD, scope
from handlers.report_catalog import indicator
from scheduler.timetable import Calendar, deadline_end
from storage import audit, progress
from storage.models import Area
from storage.privacy import mask_name, namer

REPORT_COLUMNS = ("period", "district", "commune", "village", "receipt", "project",
                  "indicator", "value", "unit", "version", "first_sent", "last_sent",
                  "on_time", "note")
HOUSEHOLD_COLUMNS = ("household", "district", "commune", "village", "head", "members",
                     "status", "updated")
WIDTHS = {"period": 10, "receipt": 11, "project": 40, "indicator": 40, "village": 28,
          "commune": 22, "district": 24, "head": 26, "note": 40, "status": 22}
FORMATS = ("xlsx", "csv")
PERIOD_RE = PERIOD


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: tuple[str, ...]
    rows: Iterable[list[Any]]
    widths: tuple[int, ...]


@dataclass(frozen=True)
class Made:
    """Who made an export (a description without their name) and when."""

    by: str
    at: datetime


@dataclass
class Exported:
    paths: tuple[Path, ...]
    reports: int = 0  # rows of the reports table
    households: int = 0


def _local(cal: Calendar, value: datetime | None) -> datetime | None:
    return progress.aware(value).astimezone(cal.tz).replace(tzinfo=None) if value else None


def _figure(tr: Tr, section: str, code: str) -> tuple[str, str, str]:
    """(project title, indicator name, unit) of a figure; an unknown code as it is."""
    try:
        proj, ind = indicator(code)
        return tr.pick(proj.title), tr.pick(ind.name), tr.pick(ind.unit)
    except StopIteration:
        return section, code, ""


def report_table(session: Session, area_id: int, period: str | None, cal: Calendar,
                 tr: Tr) -> Iterator[list[Any]]:
    paths = progress.village_paths(session, area_id)
    for (village, month, receipt, section, version, values, no_change, note, first,
         last) in progress.report_rows(session, area_id, period):
        path = paths.get(village, {})
        on_time = progress.aware(first) < deadline_end(cal, month)
        head = [month, path.get("district", ""), path.get("commune", ""),
                path.get("village", ""), receipt]
        tail = [version, _local(cal, first), _local(cal, last),
                tr("officer.export.yes" if on_time else "officer.export.no"), note or ""]
        if no_change or not values:
            yield [*head, tr("officer.export.no_change"), "", None, "", *tail]
            continue
        for code, value in values.items():
            title, name, unit = _figure(tr, section, code)
            yield [*head, title, name, int(value), unit, *tail]


def household_table(session: Session, area_id: int, cal: Calendar, tr: Tr,
                    names: Callable[[str], str] = str) -> Iterator[list[Any]]:
    """``names`` shows a head's name to the reader (``storage.privacy.namer``)."""
    paths = progress.village_paths(session, area_id)
    for hid, village, head, members, status, updated in progress.household_rows(session,
                                                                               area_id):
        path = paths.get(village, {})
        label = tr(f"officer.hhstatus.{status}") if status else ""
        yield [hid, path.get("district", ""), path.get("commune", ""), path.get("village", ""),
               names(head), members, status if label.startswith("officer.") else label,
               _local(cal, updated)]


def _counted(rows: Iterable[list[Any]], counter: list[int]) -> Iterator[list[Any]]:
    for row in rows:
        counter[0] += 1
        yield row


def write_xlsx(path: Path, sheets: list[Sheet]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    for sheet in sheets:
        ws = book.create_sheet(sheet.title)
        ws.freeze_panes = "A2"
        for i, width in enumerate(sheet.widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        header = []
        for title in sheet.headers:
            cell = WriteOnlyCell(ws, value=title)
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        for row in sheet.rows:
            ws.append(row)
    book.save(path)


def write_csv(path: Path, sheet: Sheet) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(sheet.headers)
        for row in sheet.rows:
            out.writerow([f"{v:%Y-%m-%d %H:%M}" if isinstance(v, datetime) else v
                          for v in row])


def export(session: Session, area: Area, period: str | None, fmt: str, out: Path,
           tr: Tr, cal: Calendar, names: Callable[[str], str] = str,
           made: Made | None = None) -> Exported:
    """Write the area's reports and households to ``out`` (and ``out``-ho for csv);
    ``names`` shows household heads' names to the reader (as they are, or masked)."""
    assert area.id is not None and fmt in FORMATS
    counts = [0], [0]

    def sheet(kind: str, columns: tuple[str, ...], rows: Iterable[list[Any]]) -> Sheet:
        return Sheet(tr(f"officer.sheet.{kind}"), tuple(tr(f"officer.col.{c}") for c in columns),
                     rows, tuple(WIDTHS.get(c, 14) for c in columns))

    reports = sheet("reports", REPORT_COLUMNS,
                    _counted(report_table(session, area.id, period, cal, tr), counts[0]))
    households = sheet("households", HOUSEHOLD_COLUMNS,
                       _counted(household_table(session, area.id, cal, tr, names), counts[1]))
    about = _about(tr, cal, area, period, names, made)
    if fmt == "xlsx":
        write_xlsx(out, [reports, households, about])
        paths: tuple[Path, ...] = (out,)
    else:
        paths = (out, out.with_name(f"{out.stem}-ho{out.suffix}"),
                 out.with_name(f"{out.stem}-info{out.suffix}"))
        for path, table in zip(paths, (reports, households, about), strict=True):
            write_csv(path, table)
    return Exported(paths, counts[0][0], counts[1][0])


def _about(tr: Tr, cal: Calendar, area: Area, period: str | None,
           names: Callable[[str], str], made: Made | None) -> Sheet:
    maker = made.by if made else tr("officer.about.unknown")
    rows: list[list[Any]] = [
            [tr("officer.about.by"), maker],
            [tr("officer.about.at"), _local(cal, made.at) if made else None],
            [tr("officer.about.area"), area.name],
            [tr("officer.about.period"),
             fmt_month(period, tr.lang) if period else tr("officer.export.all_periods")],
            [tr("officer.about.names"),
             tr("officer.about.full" if names is str else "officer.about.masked")]]
    return Sheet(tr("officer.sheet.about"), (tr("officer.about.field"),
                                             tr("officer.about.value")), rows, (24, 60))


def export_area(session: Session, code: str | None, period: str | None, fmt: str, out: Path,
                tr: Tr, cal: Calendar, full_names: bool, made: Made) -> Exported | None:
    """The CLI's export: an area by code (default: the province); None if unknown. Names
    are masked unless ``full_names`` (the operator decides, and the info sheet says so)."""
    area = progress.area_by_code(session, code) if code else progress.top_area(session)
    if area is None:
        return None
    return export(session, area, period, fmt, out, tr, cal,
                  names=str if full_names else mask_name, made=made)


def command(ctx: Context, args: str) -> list[Outgoing]:
    fmt = "csv" if "csv" in args.lower().split() else "xlsx"
    found = scope(ctx, " ".join(a for a in args.split() if a.lower() not in FORMATS))
    if isinstance(found, str):
        return [Outgoing(ctx.t(found), ctx.registry.menu(ctx.role, ctx.t))]
    stamp = f"{found.area.code}-{found.period or 'all'}-{ctx.user_id}-{ctx.now:%Y%m%d%H%M%S}"
    level = ctx.session.get(Area, ctx.area_id) if ctx.area_id else None
    names = namer(ctx.role, level.level if level else None)
    by = ctx.t("officer.about.chat", role=ctx.t(f"role.{ctx.role.value}"), number=ctx.user_id,
               area=level.name if level else "-")
    done = export(ctx.session, found.area, found.period, fmt,
                  ctx.env.files() / f"baocao-{stamp}.{fmt}", ctx.t, ctx.env.calendar,
                  names=names, made=Made(by, ctx.now))
    for path in done.paths:
        private(path)
    audit.record(ctx.session, actor_id=ctx.user_id, role=ctx.role, action=audit.Action.EXPORT,
                 target=audit.Target.AREA, target_id=found.area.id, area_id=found.area.id,
                 via=audit.Via.CHAT, at=ctx.now,
                 detail=f"format={fmt} period={found.period or 'all'}")
    summary = ctx.t("officer.export.done", area=found.area.name,
                    period=(fmt_month(found.period, ctx.lang) if found.period
                            else ctx.t("officer.export.all_periods")),
                    reports=fmt_number(done.reports, ctx.lang),
                    households=fmt_number(done.households, ctx.lang))
    replies = [Outgoing(summary if i == 0 else "", document_path=str(p))
               for i, p in enumerate(done.paths)]
    return [*replies, Outgoing(ctx.t("officer.export.more"), ctx.registry.menu(ctx.role, ctx.t))]


JOURNEY = Journey(commands=(Command(("xuat", "export"), command, OFFICIALS, "menu.export",
                                   "help.export"),))
