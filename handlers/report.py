"""/baocao: a collaborator's progress report for their village; /baocaocuatoi: my reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Row

from bot.base.i18n import Tr, fmt_date, fmt_month, fmt_number
from bot.base.messages import Button, Outgoing
from bot.core.context import Context
from bot.core.dialog import Answers, Choice, Dialog, Doubtful, Effect, Invalid, Step
from bot.core.router import COLLABORATORS, Action, Command, Journey
from handlers.report_catalog import Indicator, Project, has_project, project, projects
from handlers.validators import evidence, location, no_photo_typed, shared_location, whole_number
from storage import fieldwork, review
from storage.fieldwork import NO_CHANGE as NO_CHANGE_CODE
from storage.models import AreaLevel
from storage.repo import area_path

NAME = "baocao"
NO_CHANGE = "nochange"


def _project_choices(answers: Answers) -> tuple[Choice, ...]:
    """"No change" is offered only while the village has no real report this month."""
    real = [p for p in answers.get("_reported", ()) if p != fieldwork.NO_CHANGE]
    first = () if real else (Choice(NO_CHANGE, "report.no_change"),)
    return (*first, *(Choice(p.section, p.title) for p in projects()))


def _after_project(answers: Answers) -> str | None:
    if answers["project"] == NO_CHANGE:
        return None
    return f"v.{project(answers['project']).indicators[0].code}"


def _value_step(proj: Project, index: int) -> Step:
    ind = proj.indicators[index]
    following = proj.indicators[index + 1].code if index + 1 < len(proj.indicators) else None

    def prompt(answers: Answers, tr: Tr) -> str:
        year = int(answers["_period"][:4])
        goal = ind.target(year)
        target = (tr("report.target", year=year, target=fmt_number(goal, tr.lang))
                  if goal else "")
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
        goal = ind.target(int(answers["_period"][:4]))
        if value > typical or (goal is not None and value > goal):
            raise Doubtful(value, "report.outlier", value=value, typical=typical)
        return value

    return parse


def _note(text: str, answers: Answers) -> str:
    if len(text) > 500:
        raise Invalid("report.note_too_long")
    if not any(ch.isalnum() for ch in text):
        raise Invalid("report.note_empty")
    return text


def build() -> Dialog:
    steps = [Step("project", "report.choose_project", options=_project_choices,
                  next=_after_project)]
    steps += [_value_step(p, i) for p in projects() for i in range(len(p.indicators))]
    steps += [
        Step("note", _kept_prompt("report.note"), parse=_note, skippable=True,
             skip_label=_skip_label),
        Step("photo", _kept_prompt("report.photo"), parse=no_photo_typed, take=evidence,
             skippable=True, skip_label=_skip_label,
             next=lambda a: "location" if kept(a, "photo") else None),
        Step("location", _kept_prompt("report.location"), parse=location,
             take=shared_location, skippable=True, skip_label=_skip_label),
    ]
    return Dialog(NAME, "report.title", tuple(steps), summary, effects, done="report.thanks")


def kept(answers: Answers, key: str) -> Any:
    """The answer, or, when correcting a report and the step was skipped, what was saved."""
    value = answers.get(key)
    return value if value is not None else answers.get("_was", {}).get(key)


def _skip_label(answers: Answers) -> str:
    return "report.keep" if answers.get("_was", {}) else "report.skip"


def _kept_prompt(key: str) -> Callable[[Answers, Tr], str]:
    def prompt(answers: Answers, tr: Tr) -> str:
        text = tr(key)
        if answers.get("_was"):
            text += "\n" + tr("report.keep_hint")
        return text

    return prompt


def values_of(answers: Answers) -> dict[str, int]:
    return {k[2:]: v for k, v in answers.items() if k.startswith("v.") and v is not None}


def summary(answers: Answers, tr: Tr) -> str:
    lines = [tr("report.summary_title", village=answers.get("_village_name", ""),
                month=answers.get("_month", ""))]
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
    if kept(answers, "note"):
        lines.append(tr("report.summary_note", note=kept(answers, "note")))
    photo = kept(answers, "photo")
    lines.append(tr(f"report.summary_{photo['kind']}", count=len(photo["refs"])) if photo
                 else tr("report.no_photo"))
    if kept(answers, "location"):
        lat, lon = kept(answers, "location")
        lines.append(tr("report.summary_location", lat=f"{lat:.5f}", lon=f"{lon:.5f}"))
    return "\n".join(lines)


def effects(answers: Answers) -> tuple[Effect, ...]:
    place = kept(answers, "location") or [None, None]
    photo = kept(answers, "photo")
    content = {"values": values_of(answers), "no_change": answers["project"] == NO_CHANGE,
               "note": kept(answers, "note"), "evidence": [photo] if photo else [],
               "latitude": place[0], "longitude": place[1]}
    code = NO_CHANGE_CODE if content["no_change"] else answers["project"]
    return (Effect("save_report", {"village": answers["_village"], "content": content,
                                   "project": code, "correct": answers.get("_correct")}),)


def village_path(ctx: Context) -> list[Row[Any]]:
    """The collaborator's village and the areas above it; empty if they have no village."""
    path = area_path(ctx.conn, ctx.area_id)
    return path if path and path[0].level == AreaLevel.VILLAGE else []


def village_of(ctx: Context) -> Row[Any] | None:
    return next(iter(village_path(ctx)), None)


def context_answers(ctx: Context, village: Row[Any]) -> dict[str, Any]:
    period = fieldwork.period_of(ctx.moment)
    return {"_village": village.id, "_village_name": village.name,
            "_period": period, "_month": fmt_month(period, ctx.lang),
            "_past": fieldwork.past_max(ctx.session, village.id),
            "_reported": fieldwork.reported_projects(ctx.session, village.id, period)}


def start(ctx: Context, args: str) -> list[Outgoing]:
    village = village_of(ctx)
    if village is None:
        return [Outgoing(ctx.t("report.no_village"))]
    period = fieldwork.period_of(ctx.moment)
    if review.is_locked(ctx.session, village.id, period):
        return [locked(ctx, period)]
    return ctx.start_dialog(NAME, context_answers(ctx, village))


def locked(ctx: Context, period: str) -> Outgoing:
    """The village's reports of the month were approved: nothing can be changed or added."""
    return Outgoing(ctx.t("report.locked", period=fmt_month(period, ctx.lang)),
                    menu_buttons(ctx))


def save(ctx: Context, effect: Effect) -> list[Outgoing]:
    data = effect.data
    period = fieldwork.period_of(ctx.moment)
    if review.is_locked(ctx.session, data["village"], period):  # approved meanwhile
        return [locked(ctx, period)]
    if data["correct"]:
        report = fieldwork.report_by_receipt(ctx.session, data["correct"])
        if report is None or not _correctable(ctx, report):
            return [Outgoing(ctx.t("report.correction_closed"))]
        version = fieldwork.add_version(ctx.session, report, ctx.user_id, ctx.moment,
                                        data["content"])
    else:
        saved = fieldwork.save_report(
            ctx.session, area_id=data["village"], project=data["project"],
            author_id=ctx.user_id, sent_at=ctx.moment, content=data["content"])
        if saved is None:  # "no change" after a real report of the month: nothing to add
            return [Outgoing(ctx.t("report.no_change_not_needed"), menu_buttons(ctx))]
        report, version, replaced = saved
        if replaced:
            return [Outgoing(ctx.t("report.receipt", receipt=report.receipt, version=version,
                                   month=fmt_month(report.period, ctx.lang)) + "\n"
                             + ctx.t("report.replaces_no_change", receipt=replaced),
                             menu_buttons(ctx))]
    return [Outgoing(ctx.t("report.receipt", receipt=report.receipt, version=version,
                           month=fmt_month(report.period, ctx.lang)), menu_buttons(ctx))]


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
        name = ctx.t("report.no_change") if r.project == NO_CHANGE_CODE else \
            ctx.t.pick(project(r.project).title) if has_project(r.project) else r.project
        line = ctx.t("report.mine_line", receipt=r.receipt, project=name,
                     month=fmt_month(r.period, ctx.lang), version=r.version,
                     sent=fmt_date(r.sent_at, ctx.lang))
        lines.append(line + (" " + ctx.t("report.withdrawn") if r.withdrawn_at else ""))
        if review.is_locked(ctx.session, r.area_id, r.period):
            lines[-1] += ctx.t("report.mine_approved")
        elif _correctable(ctx, r) and r.project != NO_CHANGE_CODE and not r.withdrawn_at:
            buttons.append(Button(ctx.t("report.fix_button", receipt=r.receipt),
                                  f"fix:{r.receipt}"))
    return [Outgoing("\n".join(lines), tuple(buttons) or menu_buttons(ctx))]


def fix(ctx: Context, receipt: str) -> list[Outgoing]:
    """Correct a report of this period: the same questions, saved as a new version."""
    report = fieldwork.report_by_receipt(ctx.session, receipt)
    village = village_of(ctx)
    # another village's receipt: as if unknown
    if report is None or village is None or report.area_id != village.id:
        return [Outgoing(ctx.t("report.not_yours"), menu_buttons(ctx))]
    if not _correctable(ctx, report):
        return [Outgoing(ctx.t("report.correction_closed"), menu_buttons(ctx))]
    if review.is_locked(ctx.session, report.area_id, report.period):
        return [locked(ctx, report.period)]
    latest = fieldwork.latest_version(ctx.session, report.id or 0)
    was = {"note": latest.note, "photo": latest.evidence[0] if latest.evidence else None,
           "location": ([latest.latitude, latest.longitude]
                        if latest.latitude is not None and latest.longitude is not None
                        else None)}
    known = {**context_answers(ctx, village), "project": report.project,
             "_correct": report.receipt, "_was": {k: v for k, v in was.items() if v}}
    return ctx.start_dialog(NAME, known)


JOURNEY = Journey(
    commands=(Command(("baocao", "report"), start, COLLABORATORS, "menu.report",
                      "help.report", dialog=NAME),
              Command(("baocaocuatoi", "myreports"), my_reports, COLLABORATORS,
                      "menu.myreports", "help.myreports")),
    actions=(Action("fix", fix, COLLABORATORS),),
    dialog=build, effects={"save_report": save})
