"""The core: one incoming message → replies, inside a unit of work its caller hands it.

``App.step(tx, msg)`` runs in the caller's transaction and never retries: a local channel
calls ``App.handle`` (one unit of work of its own), a network channel runs the step inside
the unit of work that also marks the platform's update done and queues the replies
(``bot.channels.pipeline``). Either way ``Store.run`` is the one layer that redoes a step
raced by another process, in a fresh transaction. The core returns replies; it never sends.
"""

from __future__ import annotations

import logging

from bot.base.clock import Clock, utcnow
from bot.base.i18n import fmt_number, parse_lang, t
from bot.base.messages import Incoming, Lang, Outgoing, Text, kind_of
from bot.base.settings import Settings
from bot.core.context import Context
from bot.core.env import Env
from bot.core.flood import FloodGate
from bot.core.router import Registry, resolve
from bot.core.routing import route
from bot.core.text import MAX_INPUT, clean_input
from storage.repo import (
    Busy,
    ConcurrentUpdate,
    Store,
    Tx,
    load_chat,
    log_exchange,
    save_conversation,
)

log = logging.getLogger("giamngheo.app")


class HandlerFailed(Exception):
    """A handler raised: its half-done work must be rolled back; ``replies`` apologise."""

    def __init__(self, replies: list[Outgoing]) -> None:
        super().__init__("handler failed")
        self.replies = replies


class App:
    def __init__(self, store: Store, registry: Registry, clock: Clock = utcnow,
                 default_lang: Lang = Lang.VI, flood: FloodGate | None = None,
                 env: Env | None = None) -> None:
        self.store, self.registry, self.clock = store, registry, clock
        self.env = env or Env.load(Settings())
        self.default_lang = default_lang
        self.flood = flood  # network channels only: a piped terminal script is not a flood

    def language(self, msg: Incoming) -> Lang:
        return parse_lang(msg.language_hint, self.default_lang)

    def admit(self, msg: Incoming) -> list[Outgoing] | None:
        """Flood control: None when the message may go on, else the replies (the warning
        once per flood, then nothing)."""
        if self.flood is None:
            return None
        sent = msg.sent_at.timestamp() if msg.sent_at is not None else None
        accepted, warn = self.flood.admit(str(msg.key), sent)
        if accepted:
            return None
        return [Outgoing(t(self.language(msg), "input.too_fast"))] if warn else []

    def handle(self, msg: Incoming) -> list[Outgoing]:
        """One message in a unit of work of its own (the terminal, the memory channel).

        Raises StorageUnavailable when the database cannot be used: nothing was saved."""
        refused = self.admit(msg)
        if refused is not None:
            return refused
        try:
            return self.store.run(lambda tx: self.step(tx, msg), msg.key)
        except HandlerFailed as failed:
            return failed.replies
        except Busy:
            return [Outgoing(t(self.language(msg), "error.busy"))]

    def step(self, tx: Tx, msg: Incoming) -> list[Outgoing]:
        """One step inside ``tx``: read the chat, route the input, write the chat back with
        its version checked (``ConcurrentUpdate`` if another process moved it on)."""
        account, conv = load_chat(tx.conn, msg.key, self.language(msg).value)
        ctx = Context(tx, account, conv, msg.key, self.clock(), self.registry, self.env,
                      msg.sent_at)
        lang = ctx.lang  # as stored: a failing handler may have changed it in memory
        try:
            notices = self.registry.inbox(ctx) if self.registry.inbox else []
            replies = notices + self._dispatch(ctx, msg)
            tx.flush()
        except ConcurrentUpdate:
            raise
        except Exception as exc:
            if _is_storage_error(exc):
                raise
            log.exception("unexpected error for conversation %s", msg.key)
            raise HandlerFailed([Outgoing(t(lang, "error.unexpected"))]) from None
        self._remember(ctx, msg, replies)
        save_conversation(tx.conn, ctx.conv)
        return replies

    def _dispatch(self, ctx: Context, msg: Incoming) -> list[Outgoing]:
        inp = msg.content
        if isinstance(inp, Text):
            if len(inp.text) > MAX_INPUT:
                return [Outgoing(ctx.t("input.too_long",
                                       limit=fmt_number(MAX_INPUT, ctx.lang)))]
            inp = Text(clean_input(inp.text))
            if not inp.text:
                return [Outgoing(ctx.t("input.empty"), ctx.menu())]
        return route(ctx, resolve(inp, ctx.conv.buttons))

    def _remember(self, ctx: Context, msg: Incoming, replies: list[Outgoing]) -> None:
        shown = next((r for r in reversed(replies) if r.buttons), None)
        ctx.conv.buttons = [[b.label, b.data, shown.numbered] for b in shown.buttons] \
            if shown else []
        state = ctx.dialog_state
        content = msg.content
        words = content.text[1:].split() if isinstance(content, Text) else []
        command = isinstance(content, Text) and content.text.startswith("/")
        known = self.registry.command(words[0]) if command and words else None
        length = len(content.text) if isinstance(content, Text) else 0
        log_exchange(ctx.conn, channel=msg.key.channel, user_id=ctx.user_id, direction="in",
                     kind="command" if command else kind_of(content),
                     command=known.name if known else None,
                     dialog=state.dialog if state else None,
                     step=state.step if state else None, length=length, at=ctx.now)


def _is_storage_error(exc: Exception) -> bool:
    """The database failed under a handler: the unit of work reports it, not an apology."""
    from sqlalchemy.exc import OperationalError

    return isinstance(exc, OperationalError)
