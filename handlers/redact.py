"""Officers remove one mistaken photo (a report's evidence) or one citizen's question, with a
reason that goes into the audit log: ``/xoaanh BC-XXXXX`` and ``/xoacauhoi N``.

Only within the officer's area; the reason is required and asked once; nothing is removed
before the confirmation. The audit entry keeps who, when, which record and the reason (an
officer's words about a record, not a citizen's)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from bot.base.i18n import Tr
from bot.base.messages import Input, Outgoing, Text
from bot.core.context import Context
from bot.core.dialog import Answers, Dialog, Effect, Invalid, Step
from bot.core.router import OFFICIALS, Command, Journey
from bot.core.text import parse_id
from storage import audit, fieldwork, personal
from storage.models import CitizenQuestion
from storage.people import in_scope

PHOTO, QUESTION = "xoaanh", "xoacauhoi"  # the dialogs, named as their commands
log = logging.getLogger("giamngheo.handlers")


def _report(ctx: Context, receipt: str) -> Answers:
    """The report a receipt names, if it is of the officer's area and has evidence."""
    report = fieldwork.report_by_receipt(ctx.session, receipt) if receipt else None
    if report is None or not in_scope(ctx.session, ctx.user, report.area_id):
        return {"_id": None, "_why": "redact.photo_usage"}
    if not fieldwork.latest_version(ctx.session, report.id or 0).evidence:
        return {"_id": None, "_why": "redact.no_photo"}
    return {"_id": report.id, "_area": report.area_id, "_why": None,
            "_what": ctx.t("redact.what_photo", receipt=report.receipt)}


def _question(ctx: Context, text: str) -> Answers:
    number = parse_id(text)
    found = ctx.session.get(CitizenQuestion, number) if number else None
    if (found is None or found.status == "draft" or found.area_id is None
            or not in_scope(ctx.session, ctx.user, found.area_id)):
        return {"_id": None, "_why": "redact.question_usage"}
    return {"_id": found.id, "_area": found.area_id, "_why": None,
            "_what": ctx.t("redact.what_question", number=found.id)}


FINDERS = {PHOTO: _report, QUESTION: _question}


def _lookup(kind: str) -> Callable[[Context, Answers, Input], Answers]:
    def lookup(ctx: Context, answers: Answers, inp: Input) -> Answers:
        typed = inp.text.strip().split()[0] if isinstance(inp, Text) and inp.text.strip() else ""
        return FINDERS[kind](ctx, typed)

    return lookup


def _found(text: str, answers: Answers) -> str:
    if answers.get("_id") is None:
        raise Invalid(answers.get("_why") or "redact.photo_usage", receipt=text.upper())
    return text


def starter(kind: str) -> Callable[[Context, str], list[Outgoing]]:
    """``/xoaanh BC-XXXXX`` goes straight to the reason; ``/xoaanh`` asks for the receipt."""
    def start(ctx: Context, args: str) -> list[Outgoing]:
        typed = args.strip().split()[0] if args.strip() else ""
        if not typed:
            return ctx.start_dialog(kind, {"_kind": kind})
        found = FINDERS[kind](ctx, typed)
        if found["_id"] is None:
            return [Outgoing(ctx.t(found["_why"], receipt=typed.upper()), ctx.menu())]
        return ctx.start_dialog(kind, {**found, "_kind": kind, "target": typed})

    return start


def _reason(text: str, answers: Answers) -> str:
    if sum(ch.isalpha() for ch in text) < 3 or len(text) > 180:
        raise Invalid("redact.bad_reason")
    return " ".join(text.split())


def build(kind: str) -> Callable[[], Dialog]:
    def make() -> Dialog:
        steps = (Step("target", f"redact.ask_{kind}", parse=_found),
                 Step("reason", lambda a, tr: tr("redact.ask_reason", what=a["_what"]),
                      parse=_reason))
        return Dialog(kind, "redact.title", steps, _summary, _effects,
                      confirm_prompt="redact.confirm", done="")

    return make


def _summary(answers: Answers, tr: Tr) -> str:
    return tr("redact.summary", what=answers["_what"], reason=answers["reason"])


def _effects(answers: Answers) -> tuple[Effect, ...]:
    return (Effect("redact", {"kind": answers["_kind"], "id": answers["_id"],
                              "area": answers["_area"], "reason": answers["reason"]}),)


def apply(ctx: Context, effect: Effect) -> list[Outgoing]:
    data = effect.data
    if not in_scope(ctx.session, ctx.user, data["area"]):  # scope changed meanwhile
        return [Outgoing(ctx.t("command.not_allowed"), ctx.menu())]
    if data["kind"] == PHOTO:
        for ref in personal.drop_evidence(ctx.session, data["id"]):
            _unlink(ref)
        target = audit.Target.REPORT
        action = audit.Action.DELETE_EVIDENCE
    else:
        found = ctx.session.get(CitizenQuestion, data["id"])
        if found is not None:
            ctx.session.delete(found)
        target, action = audit.Target.QUESTION, audit.Action.DELETE_QUESTION
    audit.record(ctx.session, actor_id=ctx.user_id, role=ctx.role, action=action,
                 target=target, target_id=data["id"], area_id=data["area"],
                 via=audit.Via.CHAT, at=ctx.now, detail=f"reason={data['reason']}")
    return [Outgoing(ctx.t("redact.done"), ctx.menu())]


def _unlink(ref: str) -> None:
    """A saved file (a path under the media folder); platform ids have no file here."""
    path = Path(ref)
    try:
        if path.is_absolute() or path.parent != Path("."):
            path.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("removing a media file failed: %s", type(exc).__name__)


PHOTO_JOURNEY = Journey(
    commands=(Command(("xoaanh", "deletephoto"), starter(PHOTO), OFFICIALS,
                      help="help.deletephoto", dialog=PHOTO),),
    dialog=build(PHOTO), effects={"redact": apply}, lookups={"target": _lookup(PHOTO)})
QUESTION_JOURNEY = Journey(
    commands=(Command(("xoacauhoi", "deletequestion"), starter(QUESTION), OFFICIALS,
                      help="help.deletequestion", dialog=QUESTION),),
    dialog=build(QUESTION), lookups={"target": _lookup(QUESTION)})
