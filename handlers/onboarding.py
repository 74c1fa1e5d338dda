"""Joining with an invite code (/start CODE, also a Telegram deep link) and issuing invites
(/moi for officers and administrators; `giamngheo invite` on the command line)."""

from __future__ import annotations

from typing import Any

from bot.base.i18n import Tr, fmt_date
from bot.base.messages import Outgoing, Role
from bot.core.context import Context
from bot.core.dialog import Answers, Choice, Dialog, Effect, Invalid, Step
from bot.core.router import OFFICIALS, Command, Journey
from bot.core.text import closest
from storage.models import Area
from storage.people import InviteResult, create_invite, invitable_areas, redeem_invite
from storage.repo import area_path

NAME = "moi"
MANY = 12  # more areas than this: type a name first


def join(ctx: Context, code: str) -> list[Outgoing]:
    result = redeem_invite(ctx.session, code, ctx.user, ctx.now)
    if result is not InviteResult.JOINED:
        return [Outgoing(ctx.t(f"invite.{result.value}"), ctx.registry.menu(ctx.role, ctx.t))]
    names = [a.name for a in area_path(ctx.conn, ctx.area_id)]
    welcome = ctx.t("invite.joined", role=ctx.t(f"role.{ctx.role.value}"), area=names[0])
    return [Outgoing(welcome, ctx.registry.menu(ctx.role, ctx.t))]


def label(session: Any, area: Area) -> str:
    names = [a.name for a in area_path(session.connection(), area.id)]
    return ", ".join(names[:2])


def _areas(answers: Answers) -> list[list[Any]]:
    return list(answers["_areas"].get(answers.get("role", ""), []))


def _area_choices(answers: Answers) -> tuple[Choice, ...]:
    areas = _areas(answers)
    if len(areas) > MANY:
        areas = closest(answers.get("query", ""), areas, 8, 60)
    return tuple(Choice(str(aid), name, literal=True) for aid, name in areas)


def _query(text: str, answers: Answers) -> str:
    if sum(ch.isalpha() for ch in text) < 2:
        raise Invalid("invite.bad_query")
    return text


def build() -> Dialog:
    steps = (
        Step("role", "invite.ask_role",
             choices=(Choice(Role.COLLABORATOR.value, "role.collaborator"),
                      Choice(Role.OFFICER.value, "role.officer")),
             next=lambda a: "query" if len(_areas(a)) > MANY else "area"),
        Step("query", "invite.ask_query", parse=_query),
        Step("area", _area_prompt, options=_area_choices),
    )
    return Dialog(NAME, "invite.title", steps, _summary, _effects, done="")


def _area_prompt(answers: Answers, tr: Tr) -> str:
    return tr("invite.ask_area" if _area_choices(answers) else "invite.no_area")


def _summary(answers: Answers, tr: Tr) -> str:
    area = dict(_areas(answers))[int(answers["area"])]
    return tr("invite.summary", role=tr(f"role.{answers['role']}"), area=area)


def _effects(answers: Answers) -> tuple[Effect, ...]:
    return (Effect("create_invite", {"role": answers["role"], "area": int(answers["area"])}),)


def invite(ctx: Context, args: str) -> list[Outgoing]:
    roles = [Role.COLLABORATOR, Role.OFFICER] if ctx.role is Role.ADMIN else [Role.COLLABORATOR]
    known: dict[str, Any] = {"_areas": {r.value: [[a.id, label(ctx.session, a)] for a in
                                                  invitable_areas(ctx.session, ctx.user, r)]
                                        for r in roles}}
    if len(roles) == 1:
        known["role"] = roles[0].value
    return ctx.start_dialog(NAME, known)


def save_invite(ctx: Context, effect: Effect) -> list[Outgoing]:
    role, area_id = Role(effect.data["role"]), int(effect.data["area"])
    allowed = {a.id for a in invitable_areas(ctx.session, ctx.user, role)}
    if area_id not in allowed:  # re-checked at saving: scope may have changed meanwhile
        return [Outgoing(ctx.t("command.not_allowed"))]
    made = create_invite(ctx.session, role, area_id, ctx.user_id, ctx.now)
    return [Outgoing(ctx.t("invite.created", code=made.code,
                           until=fmt_date(made.expires_at, ctx.lang)),
                     ctx.registry.menu(ctx.role, ctx.t))]


JOURNEY = Journey(
    commands=(Command(("moi", "invite"), invite, OFFICIALS, "menu.invite", "help.invite",
                      dialog=NAME),),
    dialog=build, effects={"create_invite": save_invite})
