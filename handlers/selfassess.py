"""/tudanhgia: a citizen checks their household against the poverty standard.

Nothing is stored unless the citizen agrees at the end."""

from __future__ import annotations

from bot.base.i18n import Tr
from bot.base.messages import Outgoing
from bot.core.context import Context
from bot.core.dialog import Answers, Dialog, Effect
from bot.core.router import Command, Journey
from handlers.household_questions import answers_json, assess, explain, questions, standard
from handlers.mydata import needs_notice, notice
from storage import personal
from storage.models import SavedAssessment
from storage.personal import Purpose
from storage.repo import designations

NAME = "tudanhgia"


def build() -> Dialog:
    std = standard()

    def summary(answers: Answers, tr: Tr) -> str:
        text = explain(assess(answers, std), answers, std, tr)
        if answers.get("_notice"):  # the first time: what keeping it means
            text += "\n\n" + notice(tr, Purpose.ASSESSMENT)
        return text

    def effects(answers: Answers) -> tuple[Effect, ...]:
        result = assess(answers, std)
        return (Effect("save_assessment", {
            "standard_id": std.id, "status": result.status.value,
            "deprived": list(result.deprived), "missing": list(result.missing),
            "answers": answers_json(answers)}),)

    return Dialog(NAME, "assess.title", questions(std), summary, effects,
                  confirm_prompt="assess.save_prompt", done="assess.saved",
                  declined="assess.not_saved")


def start(ctx: Context, args: str) -> list[Outgoing]:
    intro = Outgoing(ctx.t("assess.intro"))
    known = {"_designations": designations(ctx.conn, ctx.area_id),
             "_notice": needs_notice(ctx, Purpose.ASSESSMENT)}
    return [intro, *ctx.start_dialog(NAME, known)]


def save(ctx: Context, effect: Effect) -> list[Outgoing]:
    personal.accept(ctx.session, ctx.user_id, Purpose.ASSESSMENT, ctx.now)
    ctx.session.add(SavedAssessment(user_id=ctx.user_id, **effect.data))
    return []


JOURNEY = Journey(
    commands=(Command(("tudanhgia", "selfcheck"), start, label="menu.selfassess",
                      help="help.selfassess", dialog=NAME),),
    dialog=build, effects={"save_assessment": save})
