"""Telling a user something later (an answer, a decision): written to the outbox for each of
the user's accounts; push channels send it, local channels show it with the next message."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.channels.common import TELEGRAM, ZALO, Payload, render
from bot.context import Context
from bot.messages import Button, Lang, Outgoing
from storage.delivery import enqueue
from storage.inbox import LOCAL_CHANNELS, identities_of, take_local
from storage.models import User

PROFILES = {"telegram": TELEGRAM, "zalo": ZALO}


def payloads_for(channel: str, reply: Outgoing, lang: Lang) -> list[Payload]:
    if channel in PROFILES:
        return render(reply, PROFILES[channel], lang)
    return [{"kind": "local", "text": reply.text,
             "buttons": [[b.label, b.data] for b in reply.buttons]}]


PREFERENCE = ("telegram", "zalo", *LOCAL_CHANNELS)  # one account per person


def address(accounts: list[tuple[str, str]]) -> tuple[str, str]:
    """The account a push goes to: a push channel first, else a local one."""
    rank = {channel: i for i, channel in enumerate(PREFERENCE)}
    return min(accounts, key=lambda a: rank.get(a[0], len(rank)))


def notify(session: Session, user: User, reply: Outgoing, now: datetime,
           dedup_key: str | None = None, priority: int = 1) -> bool:
    """Queue ``reply`` for the user's preferred account; False if they have none."""
    assert user.id is not None
    accounts = [(i.channel, i.external_id) for i in identities_of(session, user.id)]
    if not accounts:
        return False
    channel, chat_id = address(accounts)
    enqueue(session, channel, chat_id, payloads_for(channel, reply, Lang(user.language)),
            now=now, user_id=user.id, priority=priority, dedup_key=dedup_key)
    return True


def inbox(ctx: Context) -> list[Outgoing]:
    """Notices waiting for this chat on a channel that cannot push; never in the middle of
    a dialog (they wait until it ends)."""
    if ctx.key.channel not in LOCAL_CHANNELS or ctx.dialog_state is not None:
        return []
    return [Outgoing(p.get("text", ""),
                     tuple(Button(label, data) for label, data in p.get("buttons", [])))
            for p in take_local(ctx.conn, ctx.user_id, ctx.now)]
