"""Notices for channels that cannot push (terminal, memory): they wait in the outbox and are
shown with the user's next message. Push channels' senders deliver the same rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, update
from sqlmodel import Session, select

from storage.models import Identity, OutboxMessage, OutboxStatus

LOCAL_CHANNELS = ("terminal", "memory")
_OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]
# Built once: asked before every message a local user sends outside a dialog.
_DUE = (select(_OUTBOX.c.id, _OUTBOX.c.payload)
        .where(_OUTBOX.c.channel.in_(LOCAL_CHANNELS), _OUTBOX.c.user_id == bindparam("user_id"),
               _OUTBOX.c.status == OutboxStatus.PENDING.value,
               _OUTBOX.c.not_before <= bindparam("now"))
        .order_by(_OUTBOX.c.priority, _OUTBOX.c.id).limit(bindparam("limit")))
_SENT = (update(_OUTBOX).where(_OUTBOX.c.id.in_(bindparam("ids", expanding=True)))
         .values(status=OutboxStatus.SENT.value, sent_at=bindparam("now"),
                 attempts=_OUTBOX.c.attempts + 1))


def identities_of(session: Session, user_id: int) -> list[Identity]:
    return list(session.exec(select(Identity).where(Identity.user_id == user_id)).all())


def take_local(conn: Connection, user_id: int, now: datetime,
               limit: int = 10) -> list[dict[str, Any]]:
    """Due notices (payloads) for a user on any local channel (whichever they use next),
    oldest first, marked sent in this transaction."""
    rows = conn.execute(_DUE, {"user_id": user_id, "now": now, "limit": limit}).all()
    if rows:
        conn.execute(_SENT, {"ids": [r[0] for r in rows], "now": now})
    return [r[1] for r in rows]
