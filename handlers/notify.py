"""Notices waiting for a chat on a channel that cannot push (terminal, memory): shown before
the replies to the person's next message (``scheduler.post`` writes them)."""

from __future__ import annotations

from bot.base.messages import Button, Outgoing
from bot.core.context import Context
from storage.inbox import LOCAL_CHANNELS, take_local


def inbox(ctx: Context) -> list[Outgoing]:
    """Never in the middle of a dialog: they wait until it ends."""
    if ctx.key.channel not in LOCAL_CHANNELS or ctx.dialog_state is not None:
        return []
    return [Outgoing(p.get("text", ""),
                     tuple(Button(label, data) for label, data in p.get("buttons", [])))
            for p in take_local(ctx.conn, ctx.user_id, ctx.now)]
