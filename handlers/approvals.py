"""/duyet: officers approve or reject pending household updates of their area, with a
reason; only an approval changes the register, and the collaborator is told either way."""

from __future__ import annotations

from typing import Any

from bot.base.i18n import Tr, fmt_date
from bot.base.messages import Button, Outgoing
from bot.core.context import Context
from bot.core.dialog import Answers, Dialog, Effect, Invalid, Step
from bot.core.router import OFFICIALS, Action, Command, Journey
from bot.core.text import parse_id
from handlers import officework
from handlers.officework import Outcome
from storage import audit
from storage.models import Area, Household, HouseholdUpdate, UpdateDecision
from storage.people import in_scope

NAME = "duyet"
REJECTED = UpdateDecision.REJECTED.value
DECISIONS = (UpdateDecision.APPROVED.value, REJECTED)


def pending(ctx: Context) -> list[HouseholdUpdate]:
    return officework.pending_updates(ctx.session, ctx.user)


def _who(ctx: Context, update: HouseholdUpdate, tr: Tr) -> str:
    household = ctx.session.get(Household, update.household_id) if update.household_id else None
    return household.head_name if household else tr("household.new_named",
                                                     name=update.data.get("name", ""))


def describe(ctx: Context, update: HouseholdUpdate) -> str:
    village = ctx.session.get(Area, update.area_id)
    name = _who(ctx, update, ctx.t)
    status = (ctx.t("approve.indicated", status=ctx.t(f"hhstatus.{update.indicated_status}"))
              if update.indicated_status else "")
    return ctx.t("approve.item", number=update.id, who=name,
                 village=village.name if village else "",
                 event=ctx.t(f"household.event.{update.event}"),
                 when=fmt_date(update.submitted_at, ctx.lang), status=status)


def show(ctx: Context, after: int = 0) -> list[Outgoing]:
    waiting = [u for u in pending(ctx) if u.id is not None and u.id > after] or pending(ctx)
    if not waiting:
        return [Outgoing(ctx.t("approve.none"), ctx.registry.menu(ctx.role, ctx.t))]
    update = waiting[0]
    buttons = (Button(ctx.t("approve.yes"), f"decide:{update.id}:approved"),
               Button(ctx.t("approve.no"), f"decide:{update.id}:rejected"),
               Button(ctx.t("approve.later"), f"nextupd:{update.id}"))
    head = ctx.t("approve.count", count=len(pending(ctx)))
    return [Outgoing(f"{head}\n\n{describe(ctx, update)}", buttons)]


def command(ctx: Context, args: str) -> list[Outgoing]:
    return show(ctx)


def next_update(ctx: Context, arg: str) -> list[Outgoing]:
    return show(ctx, parse_id(arg) or 0)


def decide(ctx: Context, arg: str) -> list[Outgoing]:
    """A press of "approve" or "reject": ask the reason, then confirm."""
    number, _, decision = arg.partition(":")
    update_id = parse_id(number)
    update = ctx.session.get(HouseholdUpdate, update_id) if update_id else None
    if (update is None or decision not in DECISIONS
            or not in_scope(ctx.session, ctx.user, update.area_id)):
        return [Outgoing(ctx.t("approve.not_found"), ctx.registry.menu(ctx.role, ctx.t))]
    if update.decision != UpdateDecision.PENDING:
        return [Outgoing(ctx.t("approve.already"), ctx.registry.menu(ctx.role, ctx.t))]
    known: dict[str, Any] = {"_update": update.id, "_decision": decision,
                             "_item": describe(ctx, update)}
    if decision == REJECTED:
        known["note"] = None  # straight to the required reason
    return ctx.start_dialog(NAME, known)


def _reason(text: str, answers: Answers) -> str:
    if not any(ch.isalpha() for ch in text) or len(text) > 500:
        raise Invalid("approve.bad_reason")
    return text


def _summary(answers: Answers, tr: Tr) -> str:
    reason = answers.get("reason") or answers.get("note") or tr("approve.no_reason")
    return tr(f"approve.confirm_{answers['_decision']}", item=answers["_item"], reason=reason)


def build() -> Dialog:
    """An approval may carry a note (optional); a rejection needs a reason, asked once and
    never with a "no reason" button (the rejection starts with the note step known)."""
    steps = (Step("note", lambda a, tr: tr("approve.reason_approved"), parse=_reason,
                  skippable=True, skip_label="approve.no_reason_button",
                  next=lambda a: "reason" if a["_decision"] == REJECTED else None),
             Step("reason", lambda a, tr: tr("approve.reason_rejected"), parse=_reason))
    return Dialog(NAME, "approve.title", steps, _summary, _effects, done="")


def _effects(answers: Answers) -> tuple[Effect, ...]:
    return (Effect("decide_update", {"update": answers["_update"],
                                     "decision": answers["_decision"],
                                     "reason": answers.get("reason") or answers.get("note")}),)


def apply(ctx: Context, effect: Effect) -> list[Outgoing]:
    """The decision, through the rules the web dashboard uses too (handlers.officework)."""
    data: dict[str, Any] = dict(effect.data)
    outcome = officework.decide_update(ctx.session, ctx.user, data["update"],
                                       UpdateDecision(data["decision"]), data["reason"],
                                       ctx.now, audit.Via.CHAT)
    if outcome is Outcome.NOT_FOUND:
        return [Outgoing(ctx.t("approve.not_found"))]
    if outcome is Outcome.ALREADY:  # another officer was quicker
        return [Outgoing(ctx.t("approve.already"), ctx.registry.menu(ctx.role, ctx.t))]
    if outcome is Outcome.REASON_REQUIRED:
        return [Outgoing(ctx.t("approve.reason_required"))]
    return [Outgoing(ctx.t(f"approve.done_{data['decision']}", number=data["update"])),
            *show(ctx)]


JOURNEY = Journey(
    commands=(Command(("duyet", "approve"), command, OFFICIALS, "menu.approve",
                      "help.approve"),),
    actions=(Action("decide", decide, OFFICIALS), Action("nextupd", next_update, OFFICIALS)),
    dialog=build, effects={"decide_update": apply})
