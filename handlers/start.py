"""Day-one journeys: /start, /help, /huy, /menu, /ngonngu."""

from __future__ import annotations

from bot.base.messages import Button, Lang, Outgoing
from bot.core.context import Context
from bot.core.router import Command, Journey
from bot.core.routing import ask_resume
from handlers import onboarding
from storage.repo import area_path


def menu(ctx: Context) -> tuple[Button, ...]:
    return ctx.registry.menu(ctx.role, ctx.t)


def area_label(ctx: Context) -> str:
    names = [a.name for a in area_path(ctx.conn, ctx.area_id)]
    return ", ".join(names[:-1] if len(names) > 2 else names)  # the province goes without saying


def start(ctx: Context, args: str) -> list[Outgoing]:
    if args.strip():  # /start CODE: an invite (also a Telegram deep link)
        return onboarding.join(ctx, args.strip().split()[0])
    greeting = ctx.t(f"start.greeting.{ctx.role.value}", area=area_label(ctx))
    state = ctx.dialog_state
    if state is not None and state.dialog in ctx.registry.dialogs:  # never left in the way
        return [Outgoing(greeting), *ask_resume(ctx, state, ctx.registry.starter(state.dialog))]
    return [Outgoing(greeting + "\n\n" + ctx.t("start.menu_hint"), menu(ctx))]


def show_menu(ctx: Context, args: str) -> list[Outgoing]:
    return [Outgoing(ctx.t("menu.title"), menu(ctx))]


def help_(ctx: Context, args: str) -> list[Outgoing]:
    lines = [ctx.t("help.title")]
    for command in ctx.registry.commands:
        if command.help and ctx.role in command.roles:
            names = command.names if ctx.lang is Lang.VI else command.names[::-1]
            shown = " ".join(f"/{n}" for n in dict.fromkeys(names))
            lines.append(f"{shown}: {ctx.t(command.help)}")
    lines.append(ctx.t("help.footer"))
    return [Outgoing("\n".join(lines), menu(ctx))]


def cancel(ctx: Context, args: str) -> list[Outgoing]:
    if ctx.dialog_state is None:
        return [Outgoing(ctx.t("cancel.nothing"), menu(ctx))]
    ctx.set_dialog(None)
    return [Outgoing(ctx.t("cancel.done"), menu(ctx))]


def language(ctx: Context, args: str) -> list[Outgoing]:
    choice = args.strip().lower()
    if choice in {lang.value for lang in Lang}:
        ctx.user.language = choice
        ctx.session.add(ctx.user)
        return [Outgoing(ctx.t("language.changed"), menu(ctx))]
    buttons = (Button("Tiếng Việt", "/ngonngu vi"), Button("English", "/ngonngu en"))
    return [Outgoing(ctx.t("language.choose"), buttons)]


JOURNEY = Journey(commands=(
    Command(("batdau", "start"), start, help="help.start"),
    Command(("menu",), show_menu, label=None, help="help.menu"),
    Command(("trogiup", "help"), help_, label="menu.help", help="help.help"),
    Command(("huy", "cancel"), cancel, help="help.cancel"),
    Command(("ngonngu", "lang"), language, label="menu.language", help="help.language"),
))
