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
from handlers import feedback
from handlers.feedback import feedback_buttons
from handlers.kbase import entries, kb
from handlers.mydata import needs_notice, notice
from knowledge.citation import vietnamese_only_note
from knowledge.poverty_standard import load_standard
from knowledge.search import Answer, Entry, SearchResult, Story, Verdict
from storage import personal
from storage.models import CitizenQuestion, QuestionStatus
from storage.personal import Purpose

DRAFT = QuestionStatus.DRAFT.value  # a question the bot was unsure of


def cite(ctx: Context, answer: Answer) -> str:
    """The entry in the reader's language (or said to be Vietnamese only), the plan's own
    numbering and heading with the lead agency (or the instrument it comes from), and the
    programme it belongs to when that has ended. No internal ids."""
    lang = ctx.lang.value
    shown = kb().localized(answer, lang)
    lines = [shown.title, shown.text]
    if shown.vietnamese_only:
        lines.append(vietnamese_only_note(kb().catalogue, lang))
    lines += ["", kb().citation(answer, lang)]
    note = kb().programme_note(answer, lang)
    if note:
        lines.append(note)
    return "\n".join(lines)


@cache
def smalltalk() -> dict[str, str]:
    path = Path(__file__).resolve().parents[1] / "knowledge" / "data" / "smalltalk.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {phrase: kind for kind, phrases in data.items() for phrase in phrases}


def answer(ctx: Context, question: str) -> list[Outgoing]:
    """Free text outside a dialog: answered only where the plan covers it; otherwise an
    honest reply (not covered and who handles it, the self-assessment, or "not sure")."""
    kind = smalltalk().get(" ".join(re.sub(r"[^\w\s]", " ", fold(question)).split()))
    if kind is not None:
        return [Outgoing(ctx.t(f"ask.{kind}"), ctx.menu())]
    result = kb().search(question, k=3)
    if result.verdict is Verdict.ANSWERED and result.answers:
        return _answered(ctx, question, result)
    if result.verdict is Verdict.ELIGIBILITY and result.answers:
        return _eligibility(ctx, question, result)
    if result.verdict is Verdict.SUPPORT and result.answers:
        return _support(ctx, question, result)
    draft = _draft(ctx, question)
    topics = Button(ctx.t("ask.topics"), "cmd:chude")
    handoff = Button(ctx.t("ask.handoff"), f"handoff:{draft.id}")
    if result.verdict is Verdict.NOT_COVERED and result.topic is not None:
        return [Outgoing(_not_covered(ctx, result), (handoff, topics))]
    buttons = [Button(ctx.t("ask.maybe", title=_short(a, ctx)), f"kb:{a.entry_id}")
               for a in result.answers if a.score >= 0.25]
    return [Outgoing(ctx.t("ask.not_sure"), (*buttons, topics, handoff))]


def _answered(ctx: Context, question: str, result: SearchResult) -> list[Outgoing]:
    best, others = result.answers[0], result.answers[1:]
    maybe = [Button(ctx.t("ask.maybe", title=_short(a, ctx)), f"kb:{a.entry_id}")
             for a in others if a.score >= 0.25]
    rate = feedback_buttons(ctx, _draft(ctx, question), best)
    return [Outgoing(cite(ctx, best), (*rate, *maybe, Button(ctx.t("ask.topics"), "cmd:chude")))]


def _eligibility(ctx: Context, question: str, result: SearchResult) -> list[Outgoing]:
    """"Is my household poor?" or an income story: the criteria, and the self-assessment
    (started from what the message said); the bot never states a status itself."""
    best = result.answers[0]
    start = Button(ctx.t("ask.start_selfcheck"), _selfcheck_data(result.story))
    rate = feedback_buttons(ctx, _draft(ctx, question), best)
    text = cite(ctx, best) + "\n\n" + ctx.t("ask.eligibility")
    return [Outgoing(text, (start, *rate, Button(ctx.t("ask.topics"), "cmd:chude")))]


def _support(ctx: Context, question: str, result: SearchResult) -> list[Outgoing]:
    """"What may a poor household get": every part of the plan that serves it, with the plan's
    numbering; whether a household gets one is the commune's decision (place, deprivations)."""
    names = {s.id: s.name for s in load_standard().sections}
    lines = [ctx.t(f"ask.support_title.{result.status or 'poor'}")]
    for a in result.answers:
        name = names.get(a.section)
        label = (name.en if ctx.lang.value == "en" else name.vi) if name else _short(a, ctx)
        lines.append(ctx.t("ask.support_line", name=label, numbering=a.numbering or ""))
    lines += ["", ctx.t("ask.support_note")]
    note = kb().programme_note(result.answers[0], ctx.lang.value)
    if note:
        lines.append(note)
    start = Button(ctx.t("ask.start_selfcheck"), _selfcheck_data(result.story))
    rate = feedback_buttons(ctx, _draft(ctx, question), result.answers[0])
    return [Outgoing("\n".join(lines), (start, *rate, Button(ctx.t("ask.topics"), "cmd:chude")))]


def _selfcheck_data(story: Story | None) -> str:
    """``selfcheck:AMOUNT:PEOPLE:p|h|x`` (per person, household, not said)."""
    if story is None:
        return "selfcheck:0:0:x"
    basis = "p" if story.per_person else "h" if story.per_person is False else "x"
    return f"selfcheck:{story.amount or 0}:{story.people or 0}:{basis}"


def _not_covered(ctx: Context, result: SearchResult) -> str:
    topic = result.topic
    assert topic is not None
    english = ctx.lang.value == "en"
    title = (topic.title_en if english else None) or topic.title
    office = (topic.office_en if english else None) or topic.office
    note = (topic.note_en if english else None) or topic.note
    lines = [ctx.t("ask.not_covered", topic=title, office=office)]
    if note:
        lines.append(note)
    lines.append(ctx.t("ask.not_covered_handoff"))
    return "\n".join(lines)


def _short(a: Answer | Entry, ctx: Context, limit: int = 48) -> str:
    title = (a.title_en if ctx.lang.value == "en" else None) or a.title
    return title if len(title) <= limit else title[: limit - 1] + "…"


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
    related = [Button(_short(e, ctx), f"kb:{e.id}") for e in kb().by_section(entry.section)
               if e.id != entry.id]
    body = cite(ctx, kb().answer(entry))
    return [Outgoing(body, (*related, Button(ctx.t("ask.topics"), "cmd:chude")))]


def topics(ctx: Context, args: str) -> list[Outgoing]:
    buttons = tuple(Button(title, f"topic:{tid}") for tid, title in kb().topics(ctx.lang.value))
    return [Outgoing(ctx.t("ask.topics_title"), buttons)]


def topic(ctx: Context, topic_id: str) -> list[Outgoing]:
    found = kb().by_section(topic_id)
    if not found:
        return [Outgoing(ctx.t("dialog.stale_button"), ctx.registry.menu(ctx.role, ctx.t))]
    buttons = tuple(Button(_short(e, ctx), f"kb:{e.id}") for e in found)
    names = dict(kb().topics(ctx.lang.value))
    return [Outgoing(ctx.t("ask.topic_entries", topic=names.get(topic_id, topic_id)),
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
             Action("handoffok", agreed_handoff), *feedback.ACTIONS),
)
