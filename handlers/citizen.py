"""Citizens' questions answered from the plan; topics to browse; hand-off to an officer."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from bot.base.messages import Button, Outgoing
from bot.core.context import Context
from bot.core.router import Action, Command, Journey
from bot.core.text import fold, parse_id
from handlers.mydata import needs_notice, notice
from knowledge.search import Answer, Entry, KnowledgeBase
from storage import personal
from storage.models import CitizenQuestion, QuestionStatus
from storage.personal import Purpose

DRAFT = QuestionStatus.DRAFT.value  # a question the bot was unsure of


@cache
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


@cache
def entries() -> dict[str, Entry]:
    return {e.id: e for e in kb().entries}


def cite(ctx: Context, section: str, title: str, text: str, agency: str | None) -> str:
    source = ctx.t("ask.source", section=section, heading=kb().sections.get(section, ""))
    lead = ctx.t("ask.agency", agency=agency) if agency and agency != "–" else ""
    return f"{title}\n{text}\n\n{source}{lead}"


@cache
def smalltalk() -> dict[str, str]:
    path = Path(__file__).resolve().parents[1] / "knowledge" / "data" / "smalltalk.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {phrase: kind for kind, phrases in data.items() for phrase in phrases}


def answer(ctx: Context, question: str) -> list[Outgoing]:
    """Free text outside a dialog: the best entry, or an honest "not sure" with choices."""
    kind = smalltalk().get(" ".join(re.sub(r"[^\w\s]", " ", fold(question)).split()))
    if kind is not None:
        return [Outgoing(ctx.t(f"ask.{kind}"), ctx.registry.menu(ctx.role, ctx.t))]
    result = kb().search(question, k=3)
    topics = Button(ctx.t("ask.topics"), "cmd:chude")
    if result.confident and result.answers:
        best, others = result.answers[0], result.answers[1:]
        buttons = [Button(ctx.t("ask.maybe", title=_short(a)), f"kb:{a.entry_id}")
                   for a in others if a.score >= 0.25]
        body = cite(ctx, best.section, best.title, best.text, best.agency)
        return [Outgoing(body, (*buttons, topics))]
    draft = _draft(ctx, question)
    buttons = [Button(ctx.t("ask.maybe", title=_short(a)), f"kb:{a.entry_id}")
               for a in result.answers if a.score >= 0.25]
    buttons += [topics, Button(ctx.t("ask.handoff"), f"handoff:{draft.id}")]
    return [Outgoing(ctx.t("ask.not_sure"), tuple(buttons))]


def _short(a: Answer | Entry, limit: int = 48) -> str:
    return a.title if len(a.title) <= limit else a.title[: limit - 1] + "…"


def _draft(ctx: Context, question: str) -> CitizenQuestion:
    draft = CitizenQuestion(user_id=ctx.user_id, area_id=ctx.area_id, text=question[:1000],
                            status=DRAFT, created_at=ctx.now)
    ctx.session.add(draft)
    ctx.session.flush()
    return draft


def show_entry(ctx: Context, entry_id: str) -> list[Outgoing]:
    entry = entries().get(entry_id)
    if entry is None:
        return [Outgoing(ctx.t("dialog.stale_button"), ctx.registry.menu(ctx.role, ctx.t))]
    related = [Button(_short(e), f"kb:{e.id}") for e in kb().by_section(entry.section)
               if e.id != entry.id]
    body = cite(ctx, entry.section, entry.title, entry.text, entry.agency)
    return [Outgoing(body, (*related, Button(ctx.t("ask.topics"), "cmd:chude")))]


def topics(ctx: Context, args: str) -> list[Outgoing]:
    buttons = tuple(Button(title, f"topic:{tid}") for tid, title in kb().topics())
    return [Outgoing(ctx.t("ask.topics_title"), buttons)]


def topic(ctx: Context, topic_id: str) -> list[Outgoing]:
    found = kb().by_section(topic_id)
    if not found:
        return [Outgoing(ctx.t("dialog.stale_button"), ctx.registry.menu(ctx.role, ctx.t))]
    buttons = tuple(Button(_short(e), f"kb:{e.id}") for e in found)
    return [Outgoing(ctx.t("ask.topic_entries", topic=dict(kb().topics()).get(topic_id, topic_id)),
                     (*buttons, Button(ctx.t("ask.topics"), "cmd:chude")))]


def handoff(ctx: Context, draft_id: str, agreed: bool = False) -> list[Outgoing]:
    """Pass a question the bot could not answer to the officers of the citizen's area (the
    first time, after the personal-data notice is accepted)."""
    number = parse_id(draft_id)
    draft = ctx.session.get(CitizenQuestion, number) if number else None
    if draft is None or draft.user_id != ctx.user_id:
        return [Outgoing(ctx.t("dialog.stale_button"), ctx.registry.menu(ctx.role, ctx.t))]
    if draft.status != DRAFT:
        return [Outgoing(ctx.t("ask.already_passed"))]
    if agreed:
        personal.accept(ctx.session, ctx.user_id, Purpose.QUESTION, ctx.now)
    elif needs_notice(ctx, Purpose.QUESTION):  # the first time: say what passing it means
        agree = Button(ctx.t("privacy.agree_pass"), f"handoffok:{draft.id}")
        return [Outgoing(notice(ctx.t, Purpose.QUESTION), (agree, *ctx.menu()))]
    return _pass(ctx, draft)


def agreed_handoff(ctx: Context, draft_id: str) -> list[Outgoing]:
    return handoff(ctx, draft_id, agreed=True)


def _pass(ctx: Context, draft: CitizenQuestion) -> list[Outgoing]:
    draft.status, draft.area_id, draft.created_at = QuestionStatus.OPEN, ctx.area_id, ctx.now
    ctx.session.add(draft)
    key = "ask.passed" if ctx.area_id else "ask.passed_no_area"
    return [Outgoing(ctx.t(key), ctx.registry.menu(ctx.role, ctx.t))]


def ask_prompt(ctx: Context, args: str) -> list[Outgoing]:
    if args.strip():
        return answer(ctx, args.strip())
    return [Outgoing(ctx.t("ask.prompt"), (Button(ctx.t("ask.topics"), "cmd:chude"),))]


JOURNEY = Journey(
    commands=(Command(("hoi", "ask"), ask_prompt, label="menu.ask", help="help.ask"),
              Command(("chude", "topics"), topics, label="menu.topics", help="help.topics")),
    actions=(Action("kb", show_entry), Action("topic", topic), Action("handoff", handoff),
             Action("handoffok", agreed_handoff)),
)
