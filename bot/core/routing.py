"""Where an input goes: a command, a button's action, the dialog in progress, or the
fallback (free text outside a dialog: the citizen's question). Roles are checked here."""

from __future__ import annotations

from dataclasses import replace

from bot.base.messages import Button, Input, Location, Outgoing, Press, Text, Unsupported
from bot.core import dialog as engine
from bot.core.context import Context
from bot.core.state import DialogState


def route(ctx: Context, inp: Input) -> list[Outgoing]:
    reg = ctx.registry
    if isinstance(inp, Text) and inp.text.startswith("/"):
        name, _, args = inp.text[1:].partition(" ")
        return run_command(ctx, name, args.strip())
    if isinstance(inp, Press):
        prefix, _, arg = inp.data.partition(":")
        if prefix == "cmd" or inp.data.startswith("/"):
            name, _, args = inp.data.removeprefix("cmd:").lstrip("/").partition(" ")
            return run_command(ctx, name, args.strip())
        if prefix == "resume":
            return resume(ctx, arg)
        if prefix in reg.actions and arg:
            return run_action(ctx, prefix, arg)
    state = ctx.dialog_state
    if state is not None and state.dialog in reg.dialogs:
        return continue_dialog(ctx, state, inp)
    if isinstance(inp, Press):
        return [Outgoing(ctx.t("dialog.stale_button"), ctx.menu())]
    if isinstance(inp, Unsupported):
        return [Outgoing(ctx.t("input.unsupported"), ctx.menu())]
    if not isinstance(inp, Text):
        key = "input.unexpected_location" if isinstance(inp, Location) else \
            "input.unexpected_media"
        return [Outgoing(ctx.t(key), ctx.menu())]
    if reg.fallback is not None:
        return reg.fallback(ctx, inp.text)
    return [Outgoing(ctx.t("input.unknown"), ctx.menu())]


def run_command(ctx: Context, name: str, args: str) -> list[Outgoing]:
    reg = ctx.registry
    command = reg.command(name)
    if command is None:
        return [Outgoing(ctx.t("command.unknown"), ctx.menu())]
    if ctx.role not in command.roles:
        return [Outgoing(ctx.t("command.not_allowed"), ctx.menu())]
    state = ctx.dialog_state
    if command.dialog and state is not None and state.dialog in reg.dialogs:
        return ask_resume(ctx, state, command.name)
    return command.run(ctx, args)


def run_action(ctx: Context, prefix: str, arg: str) -> list[Outgoing]:
    action = ctx.registry.actions[prefix]
    if ctx.role not in action.roles:
        return [Outgoing(ctx.t("command.not_allowed"), ctx.menu())]
    return action.run(ctx, arg)


def ask_resume(ctx: Context, state: DialogState, command: str | None) -> list[Outgoing]:
    """A dialog is in progress: continue it, or start over through ``command`` (which checks
    the user's role and sets the dialog up again; the old answers are dropped)."""
    title = ctx.t(ctx.registry.dialogs[state.dialog].title)
    buttons = [Button(ctx.t("resume.continue"), "resume:continue")]
    if command is not None:
        buttons.append(Button(ctx.t("resume.restart"), f"resume:restart:{command}"))
    buttons.append(Button(ctx.t("resume.cancel"), "cmd:huy"))
    return [Outgoing(ctx.t("resume.question", title=title), tuple(buttons))]


def resume(ctx: Context, what: str) -> list[Outgoing]:
    state = ctx.dialog_state
    if what.startswith("restart:"):
        command = ctx.registry.command(what[8:])
        if command is None or command.dialog is None:
            return [Outgoing(ctx.t("dialog.stale_button"), ctx.menu())]
        if ctx.role not in command.roles:
            return [Outgoing(ctx.t("command.not_allowed"), ctx.menu())]
        ctx.set_dialog(None)
        return command.run(ctx, "")
    if state is None or state.dialog not in ctx.registry.dialogs:
        return [Outgoing(ctx.t("dialog.stale_button"), ctx.menu())]
    dialog = ctx.registry.dialogs[state.dialog]
    if not engine.fits(dialog, state):
        return _refit(ctx, dialog, state)
    state = replace(state, updated=ctx.now)
    ctx.set_dialog(state)
    return [engine.current_prompt(dialog, state, ctx.t)]


def continue_dialog(ctx: Context, state: DialogState, inp: Input) -> list[Outgoing]:
    reg = ctx.registry
    dialog = reg.dialogs[state.dialog]
    if ctx.role not in reg.dialog_roles.get(dialog.name, frozenset()):
        ctx.set_dialog(None)  # the person's role changed since the dialog began
        return [Outgoing(ctx.t("command.not_allowed"), ctx.menu())]
    if not engine.fits(dialog, state):
        return _refit(ctx, dialog, state)
    if engine.expired(state, ctx.now, reg.dialog_timeout):
        return ask_resume(ctx, state, reg.starter(dialog.name))
    lookup = reg.lookups.get((dialog.name, state.step))
    if lookup is not None:
        state = replace(state, answers={**state.answers, **lookup(ctx, state.answers, inp)})
    result = engine.advance(dialog, state, inp, ctx.now, ctx.t)
    if result.state != state:
        ctx.set_dialog(result.state)
    replies = list(result.replies)
    for effect in result.effects:
        replies += reg.effects[effect.kind](ctx, effect)
    return replies


def _refit(ctx: Context, dialog: engine.Dialog, state: DialogState) -> list[Outgoing]:
    """The form changed since this dialog began: start again, keeping what still fits."""
    result = engine.refit(dialog, state, ctx.now, ctx.t)
    ctx.set_dialog(result.state)
    return list(result.replies)
