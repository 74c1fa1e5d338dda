"""/tudanhgia: a citizen checks their household against the poverty standard of the review
year (in the autumn review season: this year or next year, the person chooses).

The result fits one phone screen; the details are behind a button. Nothing is stored unless
the citizen agrees at the end."""

from __future__ import annotations

from typing import Any

from bot.base.i18n import Tr
from bot.base.messages import Outgoing
from bot.core.context import Context
from bot.core.dialog import Answers, Dialog, Effect
from bot.core.router import Action, Command, Journey
from handlers.household_questions import (
    answers_json,
    assess,
    explain,
    head,
    questions,
    standard_of,
    year_context,
)
from handlers.mydata import needs_notice, notice
from knowledge.poverty import Status
from storage import personal
from storage.models import SavedAssessment
from storage.personal import Purpose
from storage.repo import designations

NAME = "tudanhgia"


def brief(answers: Answers, tr: Tr) -> str:
    """The result on one screen: the decree, the status, the counts, who decides."""
    result, std = assess(answers), standard_of(answers)
    lines = head(result, answers, tr)
    if result.deprived:
        lines.append(tr("assess.deprived_short", count=result.deprived_count,
                        total=len(std.codes)))
    if result.status is Status.UNKNOWN:
        lines.append(tr("assess.missing_short", count=len(result.missing)))
    if result.programmes:
        lines.append(tr("assess.programmes_short", count=len(result.programmes)))
    lines.append(tr("assess.unconfirmed_short" if result.unconfirmed else "assess.official_short"))
    return "\n".join(lines)


def build() -> Dialog:
    def summary(answers: Answers, tr: Tr) -> str:
        text = brief(answers, tr)
        if answers.get("_notice"):  # the first time: what keeping it means
            text += "\n\n" + notice(tr, Purpose.ASSESSMENT)
        return text

    def effects(answers: Answers) -> tuple[Effect, ...]:
        result = assess(answers)
        return (Effect("save_assessment", {
            "standard_id": result.standard_id, "status": result.status.value,
            "deprived": list(result.deprived), "missing": list(result.missing),
            "answers": answers_json(answers)}),)

    return Dialog(NAME, "assess.title", questions(ask_year=True), summary, effects,
                  confirm_prompt="assess.save_prompt", done="assess.saved",
                  declined="assess.not_saved", details=explain,
                  back_at_start=False, context=year_context)


def start(ctx: Context, args: str, told: dict[str, Any] | None = None) -> list[Outgoing]:
    intro = Outgoing(ctx.t("assess.intro"))
    known: dict[str, Any] = {"_designations": designations(ctx.conn, ctx.area_id),
                             "_notice": needs_notice(ctx, Purpose.ASSESSMENT), **(told or {})}
    return [intro, *ctx.start_dialog(NAME, known)]


def from_story(ctx: Context, arg: str) -> list[Outgoing]:
    """The self-assessment started from what a citizen's message said (``selfcheck:AMOUNT:
    PEOPLE:p|h|x``): the household size and the income are not asked again."""
    parts = [*arg.split(":"), "", "", ""][:3]
    amount, people = (int(p) if p.isascii() and p.isdigit() else 0 for p in parts[:2])
    told: dict[str, Any] = {}
    if 1 <= people <= 50:
        told["people"] = people
    if 0 < amount <= 10_000_000_000 and parts[2] in ("p", "h"):
        told["income_mode"] = "person" if parts[2] == "p" else "household"
        told["income"] = amount
        if parts[2] == "h" and "people" not in told:
            del told["income_mode"], told["income"]  # a total needs the household's size
    state = ctx.dialog_state
    if state is not None and state.dialog in ctx.registry.dialogs:
        ctx.set_dialog(None)  # the citizen chose to start this one now
    return start(ctx, "", told)


def save(ctx: Context, effect: Effect) -> list[Outgoing]:
    personal.accept(ctx.session, ctx.user_id, Purpose.ASSESSMENT, ctx.now)
    ctx.session.add(SavedAssessment(user_id=ctx.user_id, **effect.data))
    return []


JOURNEY = Journey(
    commands=(Command(("tudanhgia", "selfcheck"), start, label="menu.selfassess",
                      help="help.selfassess", dialog=NAME),),
    actions=(Action("selfcheck", from_story),),
    dialog=build, effects={"save_assessment": save})
