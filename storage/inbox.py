"""Notices for channels that cannot push (terminal, memory): they wait in the outbox and are
shown with the user's next message. Push channels' senders deliver the same rows."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import Identity, OutboxMessage, OutboxStatus

LOCAL_CHANNELS = ("terminal", "memory")


def identities_of(session: Session, user_id: int) -> list[Identity]:
    return list(session.exec(select(Identity).where(Identity.user_id == user_id)).all())


def take_local(session: Session, user_id: int, now: datetime,
               limit: int = 10) -> list[OutboxMessage]:
    """Due notices for a user on any local channel (whichever they use next), oldest first,
    marked sent in this transaction."""
    query = (select(OutboxMessage)
             .where(col(OutboxMessage.channel).in_(LOCAL_CHANNELS),
                    OutboxMessage.user_id == user_id,
                    OutboxMessage.status == OutboxStatus.PENDING,
                    col(OutboxMessage.not_before) <= now)
             .order_by(col(OutboxMessage.priority), col(OutboxMessage.id)).limit(limit))
    rows = list(session.exec(query).all())
    for row in rows:
        row.status, row.sent_at, row.attempts = OutboxStatus.SENT, now, row.attempts + 1
        session.add(row)
    return rows
