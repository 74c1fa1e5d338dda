"""Delivery in storage: the outbox (claims with a lease), channel pauses, and one-time codes
that link a second platform account to a user. Inbound updates are ``storage.inbound``'s
(their functions are named here too, for the callers that know them from here).

Claims: PostgreSQL ``FOR UPDATE SKIP LOCKED`` with a lease (``claimed_by``/``claimed_until``);
SQLite a short ``BEGIN IMMEDIATE`` transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine, bindparam, case, delete, func, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, SQLModel, col, select

from bot.base.clock import aware
from storage.inbound import (  # noqa: F401  (named here too)
    finish_inbound,
    note_attempt,
    pending_inbound,
    purge_inbound,
    store_inbound,
)
from storage.models import (
    ChannelPause,
    Identity,
    LinkCode,
    OutboxMessage,
    OutboxStatus,
    User,
)

Payload = dict[str, Any]
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 6
CODE_TTL = timedelta(minutes=10)


def _insert(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


# Outbox ----------------------------------------------------------------------------------

def enqueue(session: Session, channel: str, chat_id: str, payloads: Sequence[Payload], *,
            now: datetime, user_id: int | None = None, priority: int = 1,
            dedup_key: str | None = None, not_before: datetime | None = None) -> list[int]:
    """Write pushes before they are sent, in order (due at ``not_before``, default now).
    A known ``dedup_key`` adds nothing."""
    ids: list[int] = []
    stmt = _ENQUEUE[session.get_bind().dialect.name == "postgresql"]
    conn = session.connection()
    for i, payload in enumerate(payloads):
        key = None if dedup_key is None else dedup_key if i == 0 else f"{dedup_key}#{i}"
        row = conn.execute(stmt, {
            "channel": channel, "chat_id": chat_id, "user_id": user_id, "priority": priority,
            "payload": payload, "dedup_key": key, "status": OutboxStatus.PENDING.value,
            "attempts": 0, "not_before": not_before or now, "created_at": now}).first()
        if row is None:  # planned before
            return ids
        ids.append(int(row[0]))
    return ids


def _enqueue_statement(insert: Any) -> Any:
    """Built once per dialect: this runs for every reply and every push."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    names = ("channel", "chat_id", "user_id", "priority", "payload", "dedup_key", "status",
             "attempts", "not_before", "created_at")
    return (insert(table).values({n: bindparam(n) for n in names})
            .on_conflict_do_nothing().returning(table.c.id))


_ENQUEUE = {False: _enqueue_statement(sqlite_insert), True: _enqueue_statement(pg_insert)}


def _claimable(channel: str, now: datetime, max_priority: int | None) -> Any:
    query = (select(OutboxMessage.id)
             .where(OutboxMessage.channel == channel,
                    OutboxMessage.status == OutboxStatus.PENDING,
                    col(OutboxMessage.not_before) <= now,
                    or_(col(OutboxMessage.claimed_until).is_(None),
                        col(OutboxMessage.claimed_until) < now)))
    if max_priority is not None:
        query = query.where(col(OutboxMessage.priority) <= max_priority)
    return query.order_by(col(OutboxMessage.priority), col(OutboxMessage.id))


def claim(engine: Engine, channel: str, worker: str, now: datetime, lease: timedelta,
          limit: int, max_priority: int | None = None) -> list[OutboxMessage]:
    """Claim up to ``limit`` due messages for one sender, best priority first.

    PostgreSQL skips rows another sender has locked; SQLite runs the select and the update
    in one ``BEGIN IMMEDIATE`` transaction (``storage.db`` opens every transaction so)."""
    ids_query = _claimable(channel, now, max_priority).limit(limit)
    if engine.dialect.name == "postgresql":
        ids_query = ids_query.with_for_update(skip_locked=True)
    with Session(engine) as session:
        ids = list(session.exec(ids_query))
        if not ids:
            return []
        session.exec(update(OutboxMessage).where(col(OutboxMessage.id).in_(ids))
                     .values(claimed_by=worker, claimed_until=now + lease))
        rows = _rows(session, ids)
        session.commit()
        return rows


def _rows(session: Session, ids: list[int]) -> list[OutboxMessage]:
    found = session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(ids))).all()
    for row in found:
        session.expunge(row)
    return sorted(found, key=lambda m: (m.priority, m.id or 0))


def _set(session: Session, msg_id: int, **values: Any) -> None:
    session.exec(update(OutboxMessage).where(col(OutboxMessage.id) == msg_id).values(**values))


def mark_sent(session: Session, msg_id: int, platform_id: str, now: datetime) -> None:
    _set(session, msg_id, status=OutboxStatus.SENT, sent_at=now, claimed_until=None,
         platform_message_id=platform_id[:64], attempts=col(OutboxMessage.attempts) + 1)


def release(session: Session, msg_ids: Sequence[int], not_before: datetime,
            error: str | None = None, attempt: bool = False,
            uncertain: int | None = None) -> None:
    """Give claimed messages back (unsent, or perhaps sent: ``uncertain``), due again at
    ``not_before``."""
    if not msg_ids:
        return
    values: dict[str, Any] = {"claimed_by": None, "claimed_until": None,
                              "not_before": not_before}
    if attempt:
        values["attempts"] = col(OutboxMessage.attempts) + 1
    if uncertain is not None:
        values["uncertain"] = uncertain
    if error is not None:
        values["last_error"] = error[:300]
    session.exec(update(OutboxMessage).where(col(OutboxMessage.id).in_(list(msg_ids)))
                 .values(**values))


def note_unsure(session: Session, msg_id: int, uncertain: int) -> None:
    """Record, before a repeat goes out, that this message may already have reached the
    platform ``uncertain`` times (a repeat is never followed by another)."""
    _set(session, msg_id, uncertain=uncertain)


def mark_failed(session: Session, msg: OutboxMessage, error: str, unreachable: bool) -> None:
    """Final failure; a user who blocked the bot is marked unreachable."""
    assert msg.id is not None
    _set(session, msg.id, status=OutboxStatus.FAILED, claimed_until=None,
         last_error=error[:300], attempts=col(OutboxMessage.attempts) + 1)
    if not unreachable:
        return
    user_id = msg.user_id or session.exec(select(Identity.user_id).where(
        Identity.channel == msg.channel, Identity.external_id == msg.chat_id)).first()
    if user_id is not None:
        session.exec(update(User).where(col(User.id) == user_id).values(reachable=False))


def sent_since(session: Session, channel: str, since: datetime) -> int:
    """How many messages a channel sent since a date (for a monthly cap)."""
    query = select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.channel == channel, OutboxMessage.status == OutboxStatus.SENT,
        col(OutboxMessage.sent_at) >= since)
    return int(session.exec(query).one())


# Channel pauses --------------------------------------------------------------------------

def pause_channel(session: Session, channel: str, until: datetime) -> None:
    """Every sender of the channel waits until ``until`` (a later pause is never shortened)."""
    stmt = _insert(session)(ChannelPause).values(channel=channel, paused_until=until)
    later = case((col(ChannelPause.paused_until) > until, col(ChannelPause.paused_until)),
                 else_=stmt.excluded.paused_until)
    session.exec(stmt.on_conflict_do_update(index_elements=["channel"],
                                            set_={"paused_until": later}))


def paused_until(session: Session, channel: str) -> datetime | None:
    found = session.exec(select(ChannelPause.paused_until).where(
        ChannelPause.channel == channel)).first()
    return None if found is None else aware(found)


# Link codes ------------------------------------------------------------------------------

class LinkResult(StrEnum):
    LINKED = "linked"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    SAME = "same"
    CONFLICT = "conflict"


def issue_link_code(session: Session, user_id: int, now: datetime) -> str:
    """A fresh one-time code for this user (an older unused one is withdrawn)."""
    session.exec(delete(LinkCode).where(col(LinkCode.user_id) == user_id,
                                        col(LinkCode.used_at).is_(None)))
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.get(LinkCode, code) is None:
            break
    session.add(LinkCode(code=code, user_id=user_id, expires_at=now + CODE_TTL))
    session.flush()
    return code


def redeem_link_code(session: Session, code: str, user: User,
                     now: datetime) -> tuple[LinkResult, User]:
    """Bind ``user``'s platform accounts and the code's user into one person.

    The one with a role (collaborator, officer, admin) or an area survives, else the code's
    user; two different roles are not merged. Returns the result and the surviving user."""
    found = session.get(LinkCode, code.strip().upper())
    if found is None or found.used_at is not None:
        return LinkResult.UNKNOWN, user
    if aware(found.expires_at) < now:
        return LinkResult.EXPIRED, user
    other = session.get(User, found.user_id)
    if other is None:
        return LinkResult.UNKNOWN, user
    if other.id == user.id:
        return LinkResult.SAME, user
    if _standing(user) and _standing(other) and _standing(user) != _standing(other):
        return LinkResult.CONFLICT, user
    keep, drop = (user, other) if _standing(user) and not _standing(other) else (other, user)
    found.used_at = now
    session.add(found)
    merge_users(session, keep, drop)
    return LinkResult.LINKED, keep


def _standing(user: User) -> tuple[str, int | None] | None:
    return None if user.role == "citizen" and user.area_id is None else (user.role,
                                                                         user.area_id)


def merge_users(session: Session, keep: User, drop: User) -> None:
    """Move ``drop``'s accounts and history to ``keep``; ``drop`` stays as an empty shell."""
    assert keep.id is not None and drop.id is not None
    session.flush()
    session.exec(delete(LinkCode).where(col(LinkCode.user_id) == drop.id,
                                        col(LinkCode.used_at).is_(None)))
    for table in SQLModel.metadata.sorted_tables:
        if table.name in {"user", "linkcode"}:
            continue
        for column in table.columns:
            points_at_user = any(fk.column.table.name == "user" for fk in column.foreign_keys)
            if points_at_user or (column.name == "user_id" and not column.foreign_keys):
                session.exec(update(table).where(column == drop.id)
                             .values({column.name: keep.id}))
    if keep.area_id is None and drop.area_id is not None:
        keep.area_id = drop.area_id
    if keep.handle is None and drop.handle is not None:
        keep.handle, drop.handle = drop.handle, None
        session.add(drop)
        session.flush()
    keep.reachable = True
    session.add(keep)
    session.flush()
