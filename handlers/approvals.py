"""/duyet: officers approve or reject pending household updates of their area, with a
reason; only an approval changes the register, and the collaborator is told either way."""

from __future__ import annotations

from typing import Any

from bot.base.i18n import Tr, fmt_date
from bot.base.messages import Button, Lang, Outgoing
from bot.core.context import Context
from bot.core.dialog import Answers, Dialog, Effect, Invalid, Step
from bot.core.router import OFFICIALS, Action, Command, Journey
from bot.core.text import parse_id
from scheduler.post import notify
from storage import fieldwork
from storage.models import Area, Household, HouseholdUpdate, UpdateDecision, User
from storage.people import in_scope, subtree_ids

NAME = "duyet"
REJECTED = UpdateDecision.REJECTED.value
DECISIONS = (UpdateDecision.APPROVED.value, REJECTED)
STATUS_AFTER = {"newly_poor": "poor", "relapsed": "poor", "escaped": "escaped",
                "newly_near_poor": "near_poor", "moved": "moved"}


def pending(ctx: Context) -> list[HouseholdUpdate]:
    if ctx.area_id is None:
        return []
    return fieldwork.pending_updates(ctx.session, subtree_ids(ctx.session, ctx.area_id))


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
    data: dict[str, Any] = dict(effect.data)
    update = ctx.session.get(HouseholdUpdate, data["update"])
    if update is None or not in_scope(ctx.session, ctx.user, update.area_id):
        return [Outgoing(ctx.t("approve.not_found"))]
    if update.decision != UpdateDecision.PENDING:  # another officer was quicker
        return [Outgoing(ctx.t("approve.already"), ctx.registry.menu(ctx.role, ctx.t))]
    if data["decision"] == UpdateDecision.REJECTED and not data["reason"]:
        return [Outgoing(ctx.t("approve.reason_required"))]
    update.decision, update.decided_by = data["decision"], ctx.user_id
    update.decided_at, update.reason = ctx.now, data["reason"]
    ctx.session.add(update)
    if update.decision == UpdateDecision.APPROVED:
        _change_register(ctx, update)
    _tell_collaborator(ctx, update)
    return [Outgoing(ctx.t(f"approve.done_{update.decision}", number=update.id)), *show(ctx)]


def _change_register(ctx: Context, update: HouseholdUpdate) -> None:
    household = (ctx.session.get(Household, update.household_id) if update.household_id
                 else Household(area_id=update.area_id, head_name=update.data["name"]))
    assert household is not None
    answers = update.data.get("answers", {})
    people = answers.get("people") or len(answers.get("members") or ()) or None
    household.members = people if people is not None else household.members
    household.status = STATUS_AFTER.get(update.event, household.status)
    household.updated_at = ctx.now
    ctx.session.add(household)
    ctx.session.flush()
    update.household_id = household.id


def _tell_collaborator(ctx: Context, update: HouseholdUpdate) -> None:
    """Told in their own language, naming the household, the village, the event and the
    update's number (the receipt they were given when they sent it)."""
    collaborator = ctx.session.get(User, update.submitted_by)
    if collaborator is None:
        return
    tr = Tr(Lang(collaborator.language))
    village = ctx.session.get(Area, update.area_id)
    text = tr(f"approve.told_{update.decision}", number=update.id, who=_who(ctx, update, tr),
              village=village.name if village else "",
              event=tr(f"household.event.{update.event}"),
              reason=update.reason or tr("approve.no_reason"))
    notify(ctx.session, collaborator, Outgoing(text), ctx.now,
           dedup_key=f"decision:{update.id}")


JOURNEY = Journey(
    commands=(Command(("duyet", "approve"), command, OFFICIALS, "menu.approve",
                      "help.approve"),),
    actions=(Action("decide", decide, OFFICIALS), Action("nextupd", next_update, OFFICIALS)),
    dialog=build, effects={"decide_update": apply})
