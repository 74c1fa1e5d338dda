"""/thongbao: an officer's announcement to the collaborators or the citizens of their area.

A dialog (audience, text of at most 1000 characters, confirmation with the number of
recipients); on confirmation one outbox row per recipient on a push channel (Telegram first,
else Zalo: one account per person), priority 2 (after replies and notifications), dedup key
``broadcast:{id}:{user}`` so the same announcement never reaches anyone twice. People with no
push account are counted and reported, not queued. At night the rows wait for the end of
quiet hours. Muting (/tatnhacnho) silences reminders, not announcements.
"""

from __future__ import annotations

from bot.base.i18n import Tr, fmt_date, fmt_number, t
from bot.base.messages import Lang, Outgoing
from bot.core.context import Context
from bot.core.dialog import Answers, Choice, Dialog, Effect, Invalid, Step
from bot.core.router import OFFICIALS, Command, Journey
from handlers.overview import scope
from scheduler.post import BULK, push
from scheduler.timetable import quiet_until
from storage import progress
from storage.models import Area
from storage.people import in_scope

NAME = "thongbao"
AUDIENCES = ("collaborator", "citizen")
MAX_TEXT = 1000


def _text(text: str, answers: Answers) -> str:
    if len(text) > MAX_TEXT:
        raise Invalid("officer.broadcast.too_long", limit=MAX_TEXT, length=len(text))
    if not any(ch.isalnum() for ch in text):
        raise Invalid("officer.broadcast.empty")
    return text


def summary(answers: Answers, tr: Tr) -> str:
    total, push = answers["_counts"][answers["audience"]]
    head = tr("officer.broadcast.summary", audience=tr(f"officer.broadcast.{answers['audience']}"),
              area=answers["_area_name"], total=fmt_number(total, tr.lang),
              push=fmt_number(push, tr.lang), none=fmt_number(total - push, tr.lang))
    return f"{head}\n\n{answers['text']}"


def effects(answers: Answers) -> tuple[Effect, ...]:
    return (Effect("broadcast", {"id": answers["_id"], "area": answers["_area"],
                                 "audience": answers["audience"], "text": answers["text"]}),)


def build() -> Dialog:
    steps = (Step("audience", "officer.broadcast.ask_audience",
                  choices=tuple(Choice(a, f"officer.broadcast.{a}") for a in AUDIENCES)),
             Step("text", _ask_text, parse=_text))
    return Dialog(NAME, "officer.broadcast.title", steps, summary, effects,
                  confirm_prompt="officer.broadcast.confirm", done="officer.broadcast.confirmed",
                  declined="officer.broadcast.cancelled")


def _ask_text(answers: Answers, tr: Tr) -> str:
    return tr("officer.broadcast.ask_text", limit=fmt_number(MAX_TEXT, tr.lang))


def start(ctx: Context, args: str) -> list[Outgoing]:
    found = scope(ctx, args)
    if isinstance(found, str):
        return [Outgoing(ctx.t(found), ctx.registry.menu(ctx.role, ctx.t))]
    area_id = found.area.id
    assert area_id is not None
    counts = {a: list(progress.audience_counts(ctx.session, area_id, a)) for a in AUDIENCES}
    known = {"_id": f"{ctx.user_id}-{ctx.now:%Y%m%d%H%M%S}", "_area": area_id,
             "_area_name": found.area.name, "_counts": counts}
    return ctx.start_dialog(NAME, known)


def send(ctx: Context, effect: Effect) -> list[Outgoing]:
    """Queue the announcement; tell the officer how many went and how many could not."""
    data = effect.data
    area = ctx.session.get(Area, data["area"])
    if area is None or not _allowed(ctx, area):
        return [Outgoing(ctx.t("officer.out_of_scope"), ctx.registry.menu(ctx.role, ctx.t))]
    wait = quiet_until(ctx.env.calendar, ctx.now)
    queued = unreachable = 0
    for user_id, (language, accounts) in progress.audience(ctx.session, data["area"],
                                                            data["audience"]).items():
        if not accounts:
            unreachable += 1
            continue
        lang = Lang(language)
        reply = Outgoing(t(lang, "officer.broadcast.header", area=area.name)
                         + "\n\n" + data["text"])
        ids = push(ctx.session, user_id, lang, accounts, reply, ctx.now, priority=BULK,
                   dedup_key=f"broadcast:{data['id']}:{user_id}", not_before=wait)
        queued += 1 if ids else 0
    text = ctx.t("officer.broadcast.queued", queued=fmt_number(queued, ctx.lang),
                 none=fmt_number(unreachable, ctx.lang))
    if wait is not None and queued:
        text += "\n" + ctx.t("officer.broadcast.at_dawn", when=fmt_date(wait, ctx.lang))
    return [Outgoing(text, ctx.registry.menu(ctx.role, ctx.t))]


def _allowed(ctx: Context, area: Area) -> bool:
    return in_scope(ctx.session, ctx.user, area.id)


JOURNEY = Journey(
    commands=(Command(("thongbao", "broadcast"), start, OFFICIALS, "menu.broadcast",
                      "help.broadcast", dialog=NAME),),
    dialog=build, effects={"broadcast": send})
