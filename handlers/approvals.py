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
DECISIONS = (UpdateDecision.APPROVED.value, UpdateDecision.REJECTED.value)
STATUS_AFTER = {"newly_poor": "poor", "relapsed": "poor", "escaped": "escaped",
                "newly_near_poor": "near_poor", "moved": "moved"}


def pending(ctx: Context) -> list[HouseholdUpdate]:
    if ctx.area_id is None:
        return []
    return fieldwork.pending_updates(ctx.session, subtree_ids(ctx.session, ctx.area_id))


def describe(ctx: Context, update: HouseholdUpdate) -> str:
    village = ctx.session.get(Area, update.area_id)
    household = ctx.session.get(Household, update.household_id) if update.household_id else None
    name = household.head_name if household else ctx.t("household.new_named",
                                                       name=update.data.get("name", ""))
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
    return ctx.start_dialog(NAME, {"_update": update.id, "_decision": decision,
                                   "_item": describe(ctx, update)})


def _reason(text: str, answers: Answers) -> str:
    if not any(ch.isalpha() for ch in text) or len(text) > 500:
        raise Invalid("approve.bad_reason")
    return text


def _summary(answers: Answers, tr: Tr) -> str:
    reason = answers.get("reason") or tr("approve.no_reason")
    return tr(f"approve.confirm_{answers['_decision']}", item=answers["_item"], reason=reason)


def build() -> Dialog:
    steps = (Step("reason", lambda a, tr: tr(f"approve.reason_{a['_decision']}"),
                  parse=_reason, skippable=True, skip_label="approve.no_reason_button"),)
    return Dialog(NAME, "approve.title", steps, _summary,
                  lambda a: (Effect("decide_update", {"update": a["_update"],
                                                      "decision": a["_decision"],
                                                      "reason": a.get("reason")}),),
                  done="")


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
    people = update.data.get("answers", {}).get("people")
    household.members = people if people is not None else household.members
    household.status = STATUS_AFTER.get(update.event, household.status)
    household.updated_at = ctx.now
    ctx.session.add(household)
    ctx.session.flush()
    update.household_id = household.id


def _tell_collaborator(ctx: Context, update: HouseholdUpdate) -> None:
    collaborator = ctx.session.get(User, update.submitted_by)
    if collaborator is None:
        return
    tr = Tr(Lang(collaborator.language))
    text = tr(f"approve.told_{update.decision}", number=update.id,
              reason=update.reason or tr("approve.no_reason"))
    notify(ctx.session, collaborator, Outgoing(text), ctx.now,
           dedup_key=f"decision:{update.id}")


JOURNEY = Journey(
    commands=(Command(("duyet", "approve"), command, OFFICIALS, "menu.approve",
                      "help.approve"),),
    actions=(Action("decide", decide, OFFICIALS), Action("nextupd", next_update, OFFICIALS)),
    dialog=build, effects={"decide_update": apply})
