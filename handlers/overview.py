"""/tongquan: where my area stands against the plan, as text and as a chart.

By project: the year's figures (latest version of every report) against that year's target
where a plan gives one (Dự án 5: 264 houses in 2023, province-wide); a year without a target
says so and is never compared with another year's target. By village (a
commune officer) or by commune (district, province): the month's reports received and
received on time. Across the 2025 reform (``storage.rollup``): villages roll up under
today's communes, a year with targets also shows its figures by 2023 district, and records of
a split unit are shown as waiting for assignment. Officers see their own area's subtree
only; ``/tongquan CODE`` narrows to an area inside it, ``/tongquan YYYY-MM`` picks another
month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bot.base.i18n import Tr, fmt_date, fmt_month, fmt_number
from bot.base.messages import Outgoing
from bot.core.context import Context
from bot.core.env import private
from bot.core.router import OFFICIALS, Command, Journey
from handlers import answer_quality
from handlers.report_catalog import projects, target_years
from scheduler.timetable import Calendar, deadline, deadline_end, period_of
from storage import progress, rollup
from storage.models import Area, AreaLevel
from storage.people import acting_area, in_scope, subtree_ids
from storage.progress import Unit

PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
LOOKS_LIKE_MONTH = re.compile(r"^\d{4}[-/.]\d{1,2}$|^\d{1,2}[-/.]\d{4}$")


@dataclass(frozen=True)
class Scope:
    area: Area
    period: str | None  # None: not given


def scope(ctx: Context, args: str) -> Scope | str:
    """The officer's area, or an area of its subtree named by code; a month if given.
    A string is the translation key of a polite refusal."""
    area = ctx.session.get(Area, ctx.area_id) if ctx.area_id else None
    if area is None or area.id is None:
        return "officer.no_area"
    area = acting_area(ctx.session, area)  # bound to a unit that has since been merged
    period = None
    for token in args.split():
        if PERIOD.match(token):
            period = token
            continue
        if LOOKS_LIKE_MONTH.match(token):  # 2026-13, 2026-00: a month, but not a real one
            return "officer.bad_month"
        found = progress.area_by_code(ctx.session, token)
        if found is None or not in_scope(ctx.session, ctx.user, found.id):
            return "officer.out_of_scope"
        area = found
    return Scope(area, period)


@dataclass(frozen=True)
class Overview:
    area: Area
    period: str
    deadline: date
    totals: dict[str, int]
    units: list[Unit]
    by_village: bool
    districts: list[tuple[str | None, dict[str, int]]] = field(default_factory=list)
    unassigned: rollup.Unassigned = field(default_factory=rollup.Unassigned.none)


def gather(session: Session, area: Area, period: str, cal: Calendar) -> Overview:
    assert area.id is not None
    by_village = area.level in (AreaLevel.COMMUNE, AreaLevel.VILLAGE)
    units = progress.completeness(session, area.id, period, deadline_end(cal, period),
                                  by_village)
    totals, districts = year_figures(session, area.id, int(period[:4]))
    return Overview(area, period, deadline(cal, period), totals, units, by_village, districts,
                    rollup.unassigned(session, area.id))


def year_figures(session: Session, area_id: int, year: int
                 ) -> tuple[dict[str, int], list[tuple[str | None, dict[str, int]]]]:
    """The year's figures of the area per indicator and, for a year with targets, by 2023
    district (one reading of the reports, for the chat and the web page)."""
    per_area = progress.indicator_totals_by_area(session, subtree_ids(session, area_id), year)
    districts = rollup.by_former_district(session, per_area) if year in target_years() else []
    return progress.add_up(per_area), districts


def share(part: int, whole: int, tr: Tr) -> str:
    return fmt_number(round(100 * part / whole, 1) if whole else 0, tr.lang) + "%"


def project_lines(ov: Overview, tr: Tr) -> list[str]:
    year = int(ov.period[:4])
    lines, silent = [tr("officer.overview.projects", year=year)], []
    for proj in projects():
        if not any(ov.totals.get(i.code) for i in proj.indicators):
            silent.append(tr.pick(proj.title).split(":")[0])  # "Dự án 3, TDA 1"
            continue
        lines.append(tr.pick(proj.title))
        for ind in proj.indicators:
            value, goal = ov.totals.get(ind.code, 0), ind.target(year)
            target = (tr("officer.overview.of_target", year=year,
                         target=fmt_number(goal, tr.lang), share=share(value, goal, tr))
                      if goal else "")
            lines.append(tr("officer.overview.indicator", name=tr.pick(ind.name),
                            value=fmt_number(value, tr.lang), unit=tr.pick(ind.unit),
                            target=target))
    if silent:
        lines.append(tr("officer.overview.no_figures", projects="; ".join(silent)))
    return [*lines, *district_lines(ov, tr), *no_target_line(year, tr)]


def district_lines(ov: Overview, tr: Tr) -> list[str]:
    """The year's figures with a target, by 2023 district (the plan set targets by those
    districts: the poor district Bác Ái), computed from the lineage."""
    year = int(ov.period[:4])
    targeted = [i for p in projects() for i in p.indicators if i.target(year)]
    lines = []
    for district, values in ov.districts:
        figures = [tr("officer.overview.district_figure", name=tr.pick(i.name),
                      value=fmt_number(values[i.code], tr.lang), unit=tr.pick(i.unit))
                   for i in targeted if values.get(i.code)]
        if figures:
            name = district or tr("officer.overview.district_unknown")
            lines.append(tr("officer.overview.former_district", district=name,
                            figures="; ".join(figures)))
    return [tr("officer.overview.by_former_district", year=year), *lines] if lines else []


def no_target_line(year: int, tr: Tr) -> list[str]:
    """Said when the data has targets, but none for this year (figures stand alone)."""
    years = target_years()
    if not years or year in years:
        return []
    return [tr("officer.overview.no_target_year", year=year,
               years=", ".join(str(y) for y in years))]


def unit_lines(ov: Overview, tr: Tr) -> list[str]:
    key = "officer.overview.by_village" if ov.by_village else "officer.overview.by_commune"
    lines = [tr(key, period=fmt_month(ov.period, tr.lang),
                deadline=fmt_date(ov.deadline, tr.lang))]
    if not ov.units:
        return [*lines, tr("officer.overview.no_villages"), *unassigned_lines(ov, tr)]
    for u in ov.units:
        if ov.by_village:
            state = ("officer.overview.on_time" if u.on_time else "officer.overview.late"
                     if u.received else "officer.overview.missing")
            lines.append(f"• {u.name}: {tr(state)}")
        else:
            lines.append(f"• {u.name}: " + _counts(u.expected, u.received, u.on_time, tr))
    expected = sum(u.expected for u in ov.units)
    received, on_time = sum(u.received for u in ov.units), sum(u.on_time for u in ov.units)
    lines.append(tr("officer.overview.total") + " " + _counts(expected, received, on_time, tr))
    return [*lines, *unassigned_lines(ov, tr)]


def unassigned_lines(ov: Overview, tr: Tr) -> list[str]:
    waiting = ov.unassigned
    if not (waiting.households or waiting.reports):
        return []
    return [tr("officer.overview.unassigned", units=", ".join(waiting.units),
               households=fmt_number(waiting.households, tr.lang),
               reports=fmt_number(waiting.reports, tr.lang))]


def _counts(expected: int, received: int, on_time: int, tr: Tr) -> str:
    return tr("officer.overview.counts", received=fmt_number(received, tr.lang),
              expected=fmt_number(expected, tr.lang), share=share(received, expected, tr),
              on_time=fmt_number(on_time, tr.lang), on_time_share=share(on_time, expected, tr))


def text(ov: Overview, tr: Tr) -> str:
    head = tr("officer.overview.title", area=ov.area.name, period=fmt_month(ov.period, tr.lang))
    return "\n".join([head, "", *project_lines(ov, tr), "", *unit_lines(ov, tr)])


def draw(ov: Overview, tr: Tr, path: Path) -> Path:
    """A PNG: the month's reports per unit and, where the plan has a number, the year's
    figures as a share of the target. matplotlib is imported here, not at start-up."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    year = int(ov.period[:4])
    targets = [(tr.pick(i.name), ov.totals.get(i.code, 0), goal)
               for p in projects() for i in p.indicators if (goal := i.target(year))]
    fig = Figure(figsize=(11, max(3.5, 0.4 * len(ov.units) + 1.8)), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, 2, width_ratios=[3, 2]) if targets else [fig.subplots()]
    _reports_axes(axes[0], ov, tr)
    if targets:
        labels = [name for name, _, _ in targets]
        shares = [100 * value / target for _, value, target in targets]
        bars = axes[1].barh(labels, shares, color="#2a7ab0")
        axes[1].bar_label(bars, [f"{fmt_number(v, tr.lang)}/{fmt_number(t, tr.lang)}"
                                 for _, v, t in targets])
        axes[1].set_xlim(0, max(100.0, *shares) * 1.15)
        axes[1].set_xlabel("%")
        axes[1].set_title(tr("officer.chart.targets", year=ov.period[:4]))
    fig.suptitle(ov.area.name)
    fig.savefig(path, format="png", dpi=100)
    return path


def _reports_axes(ax: Any, ov: Overview, tr: Tr) -> None:
    ax.set_title(tr("officer.chart.reports", period=fmt_month(ov.period, tr.lang)))
    if not ov.units:
        ax.text(0.5, 0.5, tr("officer.overview.no_villages"), ha="center", va="center")
        ax.set_axis_off()
        return
    rows = list(range(len(ov.units)))
    received = [100 * u.received / u.expected if u.expected else 0 for u in ov.units]
    on_time = [100 * u.on_time / u.expected if u.expected else 0 for u in ov.units]
    ax.barh([r - 0.2 for r in rows], received, height=0.4, color="#8cc084",
            label=tr("officer.chart.received"))
    ax.barh([r + 0.2 for r in rows], on_time, height=0.4, color="#2e7d32",
            label=tr("officer.chart.on_time"))
    ax.set_yticks(rows, [u.name for u in ov.units])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("%")
    ax.legend(loc="lower right")


def command(ctx: Context, args: str) -> list[Outgoing]:
    found = scope(ctx, args)
    if isinstance(found, str):
        return [Outgoing(ctx.t(found), ctx.registry.menu(ctx.role, ctx.t))]
    cal = ctx.env.calendar
    ov = gather(ctx.session, found.area, found.period or period_of(cal, ctx.now), cal)
    name = f"tongquan-{ov.area.code}-{ov.period}-{ctx.user_id}-{ctx.now:%Y%m%d%H%M%S}.png"
    chart = private(draw(ov, ctx.t, ctx.env.files() / name))
    quality = answer_quality.topic_lines(ctx)
    return [Outgoing("\n\n".join([text(ov, ctx.t), *(["\n".join(quality)] if quality else [])])),
            Outgoing(ctx.t("officer.overview.chart"), ctx.registry.menu(ctx.role, ctx.t),
                     image_path=str(chart))]


JOURNEY = Journey(commands=(Command(("tongquan", "overview"), command, OFFICIALS,
                                   "menu.overview", "help.overview"),))
