"""Feedback on every answer of the knowledge base: two buttons, "useful" and "not right".

The question waits as a draft (``CitizenQuestion``, status draft, removed after a day unless
passed on) so that a press can store what was asked with the answer it got
(``storage.feedback``); officers read the share of "not right" per topic in /tongquan and
the questions behind it in /cauhoi. A "not right" press offers the hand-off to an officer.
"""

from __future__ import annotations

from sqlmodel import select

from bot.base.messages import Button, Outgoing
from bot.core.context import Context
from bot.core.router import Action
from bot.core.text import parse_id
from handlers.kbase import entries
from knowledge.search import Answer
from storage import feedback
from storage.feedback import AnswerFeedback, Verdict
from storage.models import CitizenQuestion, QuestionStatus

CODES = {"u": Verdict.USEFUL, "n": Verdict.NOT_RIGHT}


def feedback_buttons(ctx: Context, draft: CitizenQuestion, answer: Answer) -> tuple[Button, ...]:
    """``fb:<draft>:<u|n>:<entry>`` (entry ids are short slugs: the data fits 64 bytes)."""
    return (Button(ctx.t("ask.useful"), f"fb:{draft.id}:u:{answer.entry_id}"),
            Button(ctx.t("ask.not_right"), f"fb:{draft.id}:n:{answer.entry_id}"))


def rate(ctx: Context, arg: str) -> list[Outgoing]:
    number, code, entry_id = [*arg.split(":", 2), "", ""][:3]
    draft_id = parse_id(number)
    draft = ctx.session.get(CitizenQuestion, draft_id) if draft_id else None
    verdict = CODES.get(code)
    entry = entries().get(entry_id)
    if draft is None or draft.user_id != ctx.user_id or verdict is None or entry is None:
        return [Outgoing(ctx.t("dialog.stale_button"), ctx.menu())]
    if _already(ctx, draft, entry_id):
        return [Outgoing(ctx.t("ask.feedback_already"), ctx.menu())]
    feedback.record(ctx.session, user_id=ctx.user_id, area_id=ctx.area_id, question=draft.text,
                    section=entry.section, entry=entry_id, verdict=verdict, at=ctx.now)
    if verdict is Verdict.USEFUL:
        return [Outgoing(ctx.t("ask.thanks_useful"), ctx.menu())]
    buttons: tuple[Button, ...] = ()
    if draft.status == QuestionStatus.DRAFT.value:
        buttons = (Button(ctx.t("ask.handoff"), f"handoff:{draft.id}"),)
    return [Outgoing(ctx.t("ask.thanks_not_right"), (*buttons, *ctx.menu()))]


def _already(ctx: Context, draft: CitizenQuestion, entry_id: str) -> bool:
    return ctx.session.exec(select(AnswerFeedback.id).where(
        AnswerFeedback.user_id == ctx.user_id, AnswerFeedback.question == draft.text,
        AnswerFeedback.entry == entry_id)).first() is not None


ACTIONS = (Action("fb", rate),)
