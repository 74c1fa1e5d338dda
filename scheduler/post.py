"""Delivery of every outgoing message, in one place.

Replies go to the chat that wrote; notices, reminders and announcements go to one account
of the person (a push channel first, else a local one). Everything is written to the outbox
first, rendered for the platform it goes to; the senders deliver push channels, and local
channels (terminal, memory) show their rows with the person's next message.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from bot.base.messages import Lang, Outgoing
from scheduler.render import TELEGRAM, ZALO, Payload, render
from storage.delivery import enqueue
from storage.inbox import LOCAL_CHANNELS, identities_of
from storage.models import User

PROFILES = {"telegram": TELEGRAM, "zalo": ZALO}
PREFERENCE = ("telegram", "zalo", *LOCAL_CHANNELS)  # one account per person
REPLY, NOTICE, BULK = 0, 1, 2  # priorities: replies never wait behind notices or broadcasts


def payloads_for(channel: str, reply: Outgoing, lang: Lang) -> list[Payload]:
    if channel in PROFILES:
        return render(reply, PROFILES[channel], lang)
    return [{"kind": "local", "text": reply.text,
             "buttons": [[b.label, b.data] for b in reply.buttons]}]


def address(accounts: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """The account a push goes to: a push channel first, else a local one."""
    rank = {channel: i for i, channel in enumerate(PREFERENCE)}
    return min(accounts, key=lambda a: rank.get(a[0], len(rank)))


def replies(session: Session, channel: str, chat_id: str, user_id: int, lang: Lang,
            sent: Sequence[Outgoing], now: datetime,
            before: Sequence[Payload] = ()) -> list[int]:
    """The replies to one incoming message, to the chat it came from (``before``: payloads
    that go first, such as the edit that shows which button was pressed)."""
    payloads = [*before, *(p for r in sent for p in payloads_for(channel, r, lang))]
    return enqueue(session, channel, chat_id, payloads, now=now, user_id=user_id,
                   priority=REPLY)


def push(session: Session, user_id: int, lang: Lang, accounts: Sequence[tuple[str, str]],
         message: Outgoing, now: datetime, *, priority: int = NOTICE,
         dedup_key: str | None = None, not_before: datetime | None = None) -> list[int]:
    """One message to a person's preferred account; nothing when they have none (or when
    ``dedup_key`` was queued before). Returns the outbox row ids."""
    if not accounts:
        return []
    channel, chat_id = address(accounts)
    return enqueue(session, channel, chat_id, payloads_for(channel, message, lang), now=now,
                   user_id=user_id, priority=priority, dedup_key=dedup_key,
                   not_before=not_before)


def notify(session: Session, user: User, message: Outgoing, now: datetime,
           dedup_key: str | None = None, priority: int = NOTICE) -> bool:
    """Tell ``user`` something later (an answer, a decision); False if they have no account."""
    assert user.id is not None
    accounts = [(i.channel, i.external_id) for i in identities_of(session, user.id)]
    push(session, user.id, Lang(user.language), accounts, message, now, priority=priority,
         dedup_key=dedup_key)
    return bool(accounts)
