"""Officers remove one mistaken photo (a report's evidence) or one citizen's question, with a
reason that goes into the audit log: ``/xoaanh BC-XXXXX`` and ``/xoacauhoi N``.

Only within the officer's area; the reason is required and asked once; nothing is removed
before the confirmation. The audit entry keeps who, when, which record and the reason (an
officer's words about a record, not a citizen's)."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.base.i18n import Tr
from bot.base.messages import Outgoing
from bot.core.context import Context
from bot.core.dialog import Answers, Dialog, Effect, Invalid, Step
from bot.core.router import OFFICIALS, Command, Journey
from bot.core.text import parse_id
from storage import audit, fieldwork, personal
from storage.models import CitizenQuestion
from storage.people import in_scope

NAME = "xoa"
PHOTO, QUESTION = "photo", "question"
log = logging.getLogger("giamngheo.handlers")


def photo(ctx: Context, args: str) -> list[Outgoing]:
    receipt = args.strip().split()[0] if args.strip() else ""
    report = fieldwork.report_by_receipt(ctx.session, receipt) if receipt else None
    if report is None or not in_scope(ctx.session, ctx.user, report.area_id):
        return [Outgoing(ctx.t("redact.photo_usage"), ctx.menu())]
    latest = fieldwork.latest_version(ctx.session, report.id or 0)
    if not latest.evidence:
        return [Outgoing(ctx.t("redact.no_photo", receipt=report.receipt), ctx.menu())]
    return ctx.start_dialog(NAME, {"_kind": PHOTO, "_id": report.id,
                                   "_what": ctx.t("redact.what_photo", receipt=report.receipt),
                                   "_area": report.area_id})


def question(ctx: Context, args: str) -> list[Outgoing]:
    number = parse_id(args.strip().split()[0]) if args.strip() else None
    found = ctx.session.get(CitizenQuestion, number) if number else None
    if (found is None or found.status == "draft" or found.area_id is None
            or not in_scope(ctx.session, ctx.user, found.area_id)):
        return [Outgoing(ctx.t("redact.question_usage"), ctx.menu())]
    return ctx.start_dialog(NAME, {"_kind": QUESTION, "_id": found.id,
                                   "_what": ctx.t("redact.what_question", number=found.id),
                                   "_area": found.area_id})


def _reason(text: str, answers: Answers) -> str:
    if sum(ch.isalpha() for ch in text) < 3 or len(text) > 180:
        raise Invalid("redact.bad_reason")
    return " ".join(text.split())


def build() -> Dialog:
    steps = (Step("reason", lambda a, tr: tr("redact.ask_reason", what=a["_what"]),
                  parse=_reason),)

    def summary(answers: Answers, tr: Tr) -> str:
        return tr("redact.summary", what=answers["_what"], reason=answers["reason"])

    return Dialog(NAME, "redact.title", steps, summary,
                  lambda a: (Effect("redact", {"kind": a["_kind"], "id": a["_id"],
                                               "area": a["_area"], "reason": a["reason"]}),),
                  confirm_prompt="redact.confirm", done="")


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


JOURNEY = Journey(
    commands=(Command(("xoaanh", "deletephoto"), photo, OFFICIALS, help="help.deletephoto",
                      dialog=NAME),
              Command(("xoacauhoi", "deletequestion"), question, OFFICIALS,
                      help="help.deletequestion", dialog=NAME)),
    dialog=build, effects={"redact": apply})
