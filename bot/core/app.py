"""The core: ``App.handle(Incoming) -> list[Outgoing]``. It returns replies; it never sends."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import OperationalError

from bot.base.clock import utcnow
from bot.base.i18n import fmt_number, parse_lang, t
from bot.base.messages import Button, Incoming, Lang, Outgoing
from bot.core import dialog as engine
from bot.core.context import Context
from bot.core.flood import FloodGate
from bot.core.router import Registry, resolve
from bot.core.text import MAX_INPUT, clean_input
from storage.repo import (
    ConcurrentUpdate,
    StorageUnavailable,
    Store,
    load_chat,
    log_exchange,
    save_conversation,
)

log = logging.getLogger("giamngheo.app")
Clock = Callable[[], datetime]


class App:
    def __init__(self, store: Store, registry: Registry | None = None,
                 clock: Clock = utcnow, default_lang: Lang = Lang.VI,
                 flood: FloodGate | None = None) -> None:
        if registry is None:
            from handlers import build_registry

            registry = build_registry()
        self.store, self.registry, self.clock = store, registry, clock
        self.default_lang = default_lang
        self.flood = flood  # network channels only: a piped terminal script is not a flood

    def handle(self, msg: Incoming) -> list[Outgoing]:
        """One incoming message in one transaction; an unexpected error becomes an apology.

        Raises StorageUnavailable when the database cannot be used: nothing was saved and
        the channel must not acknowledge the update, so it is processed when it returns."""
        lang = parse_lang(msg.language_hint, self.default_lang)
        if self.flood is not None:
            accepted, warn = self.flood.admit(str(msg.key))
            if not accepted:
                return [Outgoing(t(lang, "input.too_fast"))] if warn else []
        for attempt in range(3):
            try:
                return self._once(msg, lang)
            except ConcurrentUpdate:
                log.info("conversation %s changed meanwhile; step redone (%d)", msg.key, attempt)
            except OperationalError as err:
                log.warning("storage unavailable for conversation %s: %s", msg.key,
                            type(err.orig).__name__)
                raise StorageUnavailable(type(err.orig).__name__) from None
            except Exception:
                log.exception("unexpected error for conversation %s", msg.key)
                return [Outgoing(t(lang, "error.unexpected"))]
        return [Outgoing(t(lang, "error.busy"))]

    def _once(self, msg: Incoming, lang: Lang) -> list[Outgoing]:
        with self.store.begin() as conn:
            account, conv = load_chat(conn, msg.key, lang.value)
            ctx = Context(conn, account, conv, msg.key, self.clock(), self.registry,
                          msg.sent_at)
            try:
                notices = self.registry.inbox(ctx) if self.registry.inbox else []
                replies = notices + self._dispatch(ctx, msg)
                ctx.finish()
            finally:
                ctx.close()
            self._remember(ctx, msg, replies)
            save_conversation(conn, ctx.conv)
            return replies

    def _dispatch(self, ctx: Context, msg: Incoming) -> list[Outgoing]:
        if len(msg.text) > MAX_INPUT:
            return [Outgoing(ctx.t("input.too_long", limit=fmt_number(MAX_INPUT, ctx.lang)))]
        text = clean_input(msg.text)
        if not text and msg.callback is None and msg.photo_id is None and msg.location is None:
            return [Outgoing(ctx.t("input.empty"), ctx.registry.menu(ctx.role, ctx.t))]
        if msg.photo_id is not None:
            return route(ctx, f"photo:{msg.photo_id}")
        if msg.location is not None:
            return route(ctx, f"loc:{msg.location.latitude},{msg.location.longitude}")
        return route(ctx, resolve(text, msg.callback, ctx.conv.buttons))

    def _remember(self, ctx: Context, msg: Incoming, replies: list[Outgoing]) -> None:
        shown = next((r for r in reversed(replies) if r.buttons), None)
        ctx.conv.buttons = [[b.label, b.data, shown.numbered] for b in shown.buttons] \
            if shown else []
        state = ctx.conv.dialog or {}
        kind = "button" if msg.callback else "command" if msg.text.startswith("/") else "text"
        known = self.registry.command(msg.text[1:].split()[0]) if kind == "command" and \
            msg.text[1:].split() else None
        log_exchange(ctx.conn, channel=msg.key.channel, user_id=ctx.user_id, direction="in",
                     kind=kind, command=known.name if known else None,
                     dialog=state.get("dialog"), step=state.get("step"),
                     length=len(msg.text), at=ctx.now)


def route(ctx: Context, value: str) -> list[Outgoing]:
    """Send a resolved input to a command, a menu button, the dialog, or the fallback."""
    reg = ctx.registry
    if value.startswith("/") or value.startswith("cmd:"):
        name, _, args = value.lstrip("/").removeprefix("cmd:").partition(" ")
        return run_command(ctx, name, args.strip())
    if value.startswith("resume:"):
        return resume(ctx, value.removeprefix("resume:"))
    prefix, _, arg = value.partition(":")
    if prefix in reg.actions and arg:
        return reg.actions[prefix](ctx, arg)
    state = ctx.dialog_state
    if state is not None and state.get("dialog") in reg.dialogs:
        return continue_dialog(ctx, state, value)
    if prefix in {"dlg", "ctl"} and arg:
        return [Outgoing(ctx.t("dialog.stale_button"), reg.menu(ctx.role, ctx.t))]
    if prefix in {"photo", "loc"} and arg:
        return [Outgoing(ctx.t("input.unexpected_media"), reg.menu(ctx.role, ctx.t))]
    if reg.fallback is not None:
        return reg.fallback(ctx, value)
    return [Outgoing(ctx.t("input.unknown"), reg.menu(ctx.role, ctx.t))]


def run_command(ctx: Context, name: str, args: str) -> list[Outgoing]:
    reg = ctx.registry
    command = reg.command(name)
    if command is None:
        return [Outgoing(ctx.t("command.unknown"), reg.menu(ctx.role, ctx.t))]
    if ctx.role not in command.roles:
        return [Outgoing(ctx.t("command.not_allowed"), reg.menu(ctx.role, ctx.t))]
    state = ctx.dialog_state
    if command.dialog and state is not None and state.get("dialog") in reg.dialogs:
        return ask_resume(ctx, state, command.name)
    return command.run(ctx, args)


def ask_resume(ctx: Context, state: dict[str, object], command: str | None) -> list[Outgoing]:
    """A dialog is in progress: continue it, or start over through ``command`` (which checks
    the user's role and sets the dialog up again; the old answers are dropped)."""
    title = ctx.t(ctx.registry.dialogs[str(state["dialog"])].title)
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
            return [Outgoing(ctx.t("dialog.stale_button"), ctx.registry.menu(ctx.role, ctx.t))]
        if ctx.role not in command.roles:
            return [Outgoing(ctx.t("command.not_allowed"), ctx.registry.menu(ctx.role, ctx.t))]
        ctx.set_dialog(None)
        return command.run(ctx, "")
    if state is None or state.get("dialog") not in ctx.registry.dialogs:
        return [Outgoing(ctx.t("dialog.stale_button"), ctx.registry.menu(ctx.role, ctx.t))]
    state = {**state, "updated": ctx.now.isoformat()}
    ctx.set_dialog(state)
    dialog = ctx.registry.dialogs[state["dialog"]]
    return [engine.current_prompt(dialog, state, ctx.t)]


def continue_dialog(ctx: Context, state: dict[str, object], value: str) -> list[Outgoing]:
    dialog = ctx.registry.dialogs[str(state["dialog"])]
    if engine.expired(state, ctx.now, ctx.registry.dialog_timeout):
        return ask_resume(ctx, state, ctx.registry.starter(dialog.name))
    lookup = ctx.registry.lookups.get((dialog.name, str(state["step"])))
    if lookup is not None:
        answers = state["answers"]
        assert isinstance(answers, dict)
        state = {**state, "answers": {**answers, **lookup(ctx, answers, value)}}
    result = engine.advance(dialog, dict(state), value, ctx.now, ctx.t)
    if result.state != state:
        ctx.set_dialog(result.state)
    replies = list(result.replies)
    for effect in result.effects:
        replies += ctx.registry.effects[effect.kind](ctx, effect)
    return replies
