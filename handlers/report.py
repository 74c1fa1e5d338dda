"""/baocao: a collaborator's progress report for their village; /baocaocuatoi: my reports."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import Row

from bot.base.i18n import Tr, fmt_date, fmt_number
from bot.base.messages import Button, Outgoing, Role
from bot.core.context import Context
from bot.core.dialog import Answers, Choice, Dialog, Doubtful, Effect, Invalid, Step
from bot.core.router import Command
from handlers.report_catalog import Indicator, Project, project, projects
from handlers.validators import whole_number
from storage import fieldwork
from storage.models import AreaLevel
from storage.repo import area_path

NAME = "baocao"
NO_CHANGE = "nochange"
COLLABORATORS = frozenset({Role.COLLABORATOR})


def _project_choices(answers: Answers) -> tuple[Choice, ...]:
    return (Choice(NO_CHANGE, "report.no_change"),
            *(Choice(p.section, p.title) for p in projects()))


def _after_project(answers: Answers) -> str | None:
    if answers["project"] == NO_CHANGE:
        return None
    return f"v.{project(answers['project']).indicators[0].code}"


def _value_step(proj: Project, index: int) -> Step:
    ind = proj.indicators[index]
    following = proj.indicators[index + 1].code if index + 1 < len(proj.indicators) else None

    def prompt(answers: Answers, tr: Tr) -> str:
        target = (tr("report.target", target=fmt_number(ind.target_2023, tr.lang))
                  if ind.target_2023 else "")
        return tr("report.ask_value", name=tr.pick(ind.name), unit=tr.pick(ind.unit),
                  target=target)

    return Step(f"v.{ind.code}", prompt, parse=_plausible(ind),
                next=lambda a: f"v.{following}" if following else "note")


def _plausible(ind: Indicator) -> Callable[[str, Answers], int]:
    """Whole and non-negative; unusually high for a village (against the indicator's
    typical maximum, twice the village's own best and the province's target) asks first."""
    number = whole_number(0, 1_000_000)

    def parse(text: str, answers: Answers) -> int:
        value = number(text, answers)
        typical = max(ind.plausible_max, 2 * answers.get("_past", {}).get(ind.code, 0))
        if value > typical or (ind.target_2023 is not None and value > ind.target_2023):
            raise Doubtful(value, "report.outlier", value=value, typical=typical)
        return value

    return parse


def _note(text: str, answers: Answers) -> str:
    if len(text) > 500:
        raise Invalid("report.note_too_long")
    if not any(ch.isalnum() for ch in text):
        raise Invalid("report.note_empty")
    return text


def _photo(text: str, answers: Answers) -> str:
    if text.startswith("photo:") and len(text) > 6:
        return text[6:]
    raise Invalid("report.photo_expected")


_LATLON = re.compile(r"^(?:loc:)?\s*(-?\d{1,2}(?:\.\d+)?)\s*[,; ]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


def _location(text: str, answers: Answers) -> list[float]:
    match = _LATLON.match(text)
    if match is None:
        raise Invalid("report.location_expected")
    lat, lon = float(match.group(1)), float(match.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Invalid("report.location_expected")
    return [lat, lon]


def build() -> Dialog:
    steps = [Step("project", "report.choose_project", options=_project_choices,
                  next=_after_project)]
    steps += [_value_step(p, i) for p in projects() for i in range(len(p.indicators))]
    steps += [
        Step("note", "report.note", parse=_note, skippable=True, skip_label="report.skip"),
        Step("photo", "report.photo", parse=_photo, skippable=True, skip_label="report.skip",
             next=lambda a: "location" if a.get("photo") else None),
        Step("location", "report.location", parse=_location, skippable=True,
             skip_label="report.skip"),
    ]
    return Dialog(NAME, "report.title", tuple(steps), summary, effects, done="report.thanks")


def values_of(answers: Answers) -> dict[str, int]:
    return {k[2:]: v for k, v in answers.items() if k.startswith("v.") and v is not None}


def summary(answers: Answers, tr: Tr) -> str:
    lines = [tr("report.summary_title", village=answers.get("_village_name", ""),
                period=answers.get("_period", ""))]
    if answers.get("_correct"):
        lines.append(tr("report.correcting", receipt=answers["_correct"]))
    if answers["project"] == NO_CHANGE:
        lines.append(tr("report.no_change_summary"))
        return "\n".join(lines)
    proj = project(answers["project"])
    lines.append(tr.pick(proj.title))
    for ind in proj.indicators:
        value = answers.get(f"v.{ind.code}")
        if value is not None:
            lines.append(f"• {tr.pick(ind.name)}: {fmt_number(value, tr.lang)} "
                         f"{tr.pick(ind.unit)}")
    if answers.get("note"):
        lines.append(tr("report.summary_note", note=answers["note"]))
    lines.append(tr("report.summary_photo") if answers.get("photo") else tr("report.no_photo"))
    if answers.get("location"):
        lat, lon = answers["location"]
        lines.append(tr("report.summary_location", lat=f"{lat:.5f}", lon=f"{lon:.5f}"))
    return "\n".join(lines)


def effects(answers: Answers) -> tuple[Effect, ...]:
    location = answers.get("location") or [None, None]
    content = {"values": values_of(answers), "no_change": answers["project"] == NO_CHANGE,
               "note": answers.get("note"), "photo_id": answers.get("photo"),
               "latitude": location[0], "longitude": location[1]}
    return (Effect("save_report", {"village": answers["_village"], "content": content,
                                   "project": "*" if content["no_change"] else answers["project"],
                                   "correct": answers.get("_correct")}),)


def village_path(ctx: Context) -> list[Row[Any]]:
    """The collaborator's village and the areas above it; empty if they have no village."""
    path = area_path(ctx.conn, ctx.area_id)
    return path if path and path[0].level == AreaLevel.VILLAGE else []


def village_of(ctx: Context) -> Row[Any] | None:
    return next(iter(village_path(ctx)), None)


def context_answers(ctx: Context, village: Row[Any]) -> dict[str, Any]:
    return {"_village": village.id, "_village_name": village.name,
            "_period": fieldwork.period_of(ctx.moment),
            "_past": fieldwork.past_max(ctx.session, village.id)}


def start(ctx: Context, args: str) -> list[Outgoing]:
    village = village_of(ctx)
    if village is None:
        return [Outgoing(ctx.t("report.no_village"))]
    return ctx.start_dialog(NAME, context_answers(ctx, village))


def save(ctx: Context, effect: Effect) -> list[Outgoing]:
    data = effect.data
    if data["correct"]:
        report = fieldwork.report_by_receipt(ctx.session, data["correct"])
        if report is None or not _correctable(ctx, report):
            return [Outgoing(ctx.t("report.correction_closed"))]
        version = fieldwork.add_version(ctx.session, report, ctx.user_id, ctx.moment,
                                        data["content"])
    else:
        report, version = fieldwork.save_report(
            ctx.session, area_id=data["village"], project=data["project"],
            author_id=ctx.user_id, sent_at=ctx.moment, content=data["content"])
    return [Outgoing(ctx.t("report.receipt", receipt=report.receipt, version=version,
                           period=report.period), menu_buttons(ctx))]


def menu_buttons(ctx: Context) -> tuple[Button, ...]:
    return ctx.registry.menu(ctx.role, ctx.t)


def _correctable(ctx: Context, report: fieldwork.Report) -> bool:
    """Only the village's own collaborator, and only within the report's period."""
    return (report.area_id == ctx.area_id
            and report.period == fieldwork.period_of(ctx.moment))


def my_reports(ctx: Context, args: str) -> list[Outgoing]:
    reports = fieldwork.reports_by(ctx.session, ctx.user_id)
    if not reports:
        return [Outgoing(ctx.t("report.none_yet"), menu_buttons(ctx))]
    lines, buttons = [ctx.t("report.mine_title")], []
    for r in reports:
        name = ctx.t("report.no_change") if r.project == "*" else r.project
        lines.append(ctx.t("report.mine_line", receipt=r.receipt, project=name,
                           period=r.period, version=r.version,
                           sent=fmt_date(r.sent_at, ctx.lang)))
        if _correctable(ctx, r) and r.project != "*":
            buttons.append(Button(ctx.t("report.fix_button", receipt=r.receipt),
                                  f"fix:{r.receipt}"))
    return [Outgoing("\n".join(lines), tuple(buttons) or menu_buttons(ctx))]


def fix(ctx: Context, receipt: str) -> list[Outgoing]:
    """Correct a report of this period: the same questions, saved as a new version."""
    report = fieldwork.report_by_receipt(ctx.session, receipt)
    village = village_of(ctx)
    if (ctx.role not in COLLABORATORS or report is None or village is None
            or report.area_id != village.id):  # another village's receipt: as if unknown
        return [Outgoing(ctx.t("report.not_yours"), menu_buttons(ctx))]
    if not _correctable(ctx, report):
        return [Outgoing(ctx.t("report.correction_closed"), menu_buttons(ctx))]
    known = {**context_answers(ctx, village), "project": report.project,
             "_correct": report.receipt}
    return ctx.start_dialog(NAME, known)


COMMANDS = [
    Command(("baocao", "report"), start, COLLABORATORS, "menu.report", "help.report",
            dialog=NAME),
    Command(("baocaocuatoi", "myreports"), my_reports, COLLABORATORS, "menu.myreports",
            "help.myreports"),
]
EFFECTS = {"save_report": save}
ACTIONS = {"fix": fix}
