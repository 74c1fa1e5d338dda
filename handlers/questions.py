"""/cauhoi: the queue of citizens' questions the bot could not answer; an officer's reply
reaches the citizen through the bot."""

from __future__ import annotations

from bot.base.i18n import Tr, fmt_date
from bot.base.messages import Button, Outgoing
from bot.core.context import Context
from bot.core.dialog import Answers, Dialog, Effect, Invalid, Step
from bot.core.router import OFFICIALS, Action, Command, Journey
from bot.core.text import parse_id
from handlers import answer_quality, officework
from handlers.officework import Outcome
from storage import audit
from storage.models import CitizenQuestion, QuestionStatus

NAME = "traloi"


def open_questions(ctx: Context) -> list[CitizenQuestion]:
    """Open questions of my area; province-level staff also get those with no area."""
    return officework.open_questions(ctx.session, ctx.user)


def show(ctx: Context, after: int = 0) -> list[Outgoing]:
    waiting = open_questions(ctx)
    later = [q for q in waiting if q.id is not None and q.id > after] or waiting
    behind = answer_quality.question_lines(ctx) if not after else []
    told = [Outgoing("\n".join(behind))] if behind else []
    if not later:
        return [*told, Outgoing(ctx.t("questions.none"), ctx.registry.menu(ctx.role, ctx.t))]
    q = later[0]
    text = ctx.t("questions.item", count=len(waiting), number=q.id, text=q.text,
                 when=fmt_date(q.created_at, ctx.lang))
    buttons = (Button(ctx.t("questions.answer"), f"answerq:{q.id}"),
               Button(ctx.t("questions.later"), f"nextq:{q.id}"))
    return [*told, Outgoing(text, buttons)]


def command(ctx: Context, args: str) -> list[Outgoing]:
    return show(ctx)


def next_question(ctx: Context, arg: str) -> list[Outgoing]:
    return show(ctx, parse_id(arg) or 0)


def _find(ctx: Context, arg: str) -> CitizenQuestion | None:
    number = parse_id(arg)
    q = ctx.session.get(CitizenQuestion, number) if number else None
    if q is None or q.status == "draft":
        return None
    return q if q in open_questions(ctx) or q.status == QuestionStatus.ANSWERED else None


def start_answer(ctx: Context, arg: str) -> list[Outgoing]:
    q = _find(ctx, arg)
    if q is None:
        return [Outgoing(ctx.t("questions.not_found"), ctx.registry.menu(ctx.role, ctx.t))]
    if q.status != QuestionStatus.OPEN:
        return [Outgoing(ctx.t("questions.already"), ctx.registry.menu(ctx.role, ctx.t))]
    return ctx.start_dialog(NAME, {"_question": q.id, "_text": q.text})


def _answer(text: str, answers: Answers) -> str:
    if sum(ch.isalpha() for ch in text) < 2 or len(text) > 2000:
        raise Invalid("questions.bad_answer")
    return text


def build() -> Dialog:
    steps = (Step("answer", lambda a, tr: tr("questions.ask_answer", text=a["_text"]),
                  parse=_answer),)

    def summary(answers: Answers, tr: Tr) -> str:
        return tr("questions.summary", text=answers["_text"], answer=answers["answer"])

    return Dialog(NAME, "questions.title", steps, summary,
                  lambda a: (Effect("answer_question", {"question": a["_question"],
                                                        "answer": a["answer"]}),), done="")


def save(ctx: Context, effect: Effect) -> list[Outgoing]:
    outcome = officework.answer_question(ctx.session, ctx.user, effect.data["question"],
                                         effect.data["answer"], ctx.now, audit.Via.CHAT)
    if outcome is Outcome.NOT_FOUND:
        return [Outgoing(ctx.t("questions.not_found"))]
    if outcome is Outcome.ALREADY:
        return [Outgoing(ctx.t("questions.already"), ctx.registry.menu(ctx.role, ctx.t))]
    return [Outgoing(ctx.t("questions.sent", number=effect.data["question"])), *show(ctx)]


JOURNEY = Journey(
    commands=(Command(("cauhoi", "questions"), command, OFFICIALS, "menu.questions",
                      "help.questions"),),
    actions=(Action("answerq", start_answer, OFFICIALS),
             Action("nextq", next_question, OFFICIALS)),
    dialog=build, effects={"answer_question": save})
