"""Inbound updates in storage: stored before they are acknowledged, processed once, an album
held until it has been quiet, an update that cannot be read set aside (kept, with its reason,
for an officer to see); and the durable queue of media to download (off the update path).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import Column, String, Text, delete, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Field, Session, SQLModel, col, select

from bot.base.clock import utcnow
from storage.models import Identity, InboundUpdate, UpdateStatus, User

Payload = dict[str, Any]


class Arrival(NamedTuple):
    """One update as received: its id, the payload kept, the chat it belongs to, its album
    (``group``), and ``problem`` when it could not be read (it is then set aside)."""

    update_id: str
    payload: Payload
    chat_id: str | None = None
    group: str | None = None
    problem: str | None = None


def _insert(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def store_inbound(session: Session, channel: str, updates: Sequence[Any], now: datetime,
                  hold: timedelta = timedelta(0)) -> list[str]:
    """Store updates not seen before; returns the ids that are new (a redelivery is not).

    An album's parts wait ``hold`` after the newest of them arrived."""
    new: list[str] = []
    for item in updates:
        arrival = Arrival(*item)
        held = now + hold if arrival.group else None
        stmt = _insert(session)(InboundUpdate).values(
            channel=channel, update_id=arrival.update_id, payload=arrival.payload,
            status=UpdateStatus.SET_ASIDE if arrival.problem else UpdateStatus.PENDING,
            reason=arrival.problem, attempts=0, received_at=now, chat_id=arrival.chat_id,
            group_key=arrival.group, hold_until=held,
        ).on_conflict_do_nothing(index_elements=["channel", "update_id"]).returning(
            col(InboundUpdate.id))
        if session.exec(stmt).first() is None:
            continue
        new.append(arrival.update_id)
        if arrival.group:
            session.exec(update(InboundUpdate).where(
                col(InboundUpdate.channel) == channel,
                col(InboundUpdate.group_key) == arrival.group,
                col(InboundUpdate.status) == UpdateStatus.PENDING).values(hold_until=held))
    return new


def pending_inbound(session: Session, channel: str, limit: int = 50) -> list[InboundUpdate]:
    query = (select(InboundUpdate)
             .where(InboundUpdate.channel == channel,
                    InboundUpdate.status == UpdateStatus.PENDING)
             .order_by(col(InboundUpdate.id)).limit(limit))
    return list(session.exec(query))


def album(session: Session, channel: str, group: str) -> list[InboundUpdate]:
    """The pending parts of one album, in the order they arrived."""
    return list(session.exec(select(InboundUpdate).where(
        InboundUpdate.channel == channel, InboundUpdate.group_key == group,
        InboundUpdate.status == UpdateStatus.PENDING).order_by(col(InboundUpdate.id))))


def finish_inbound(session: Session, row_id: int, now: datetime) -> bool:
    """Mark an update done (and forget its content) in the transaction that processes it.

    False when another worker got there first; the caller then does nothing."""
    stmt = (update(InboundUpdate)
            .where(col(InboundUpdate.id) == row_id,
                   col(InboundUpdate.status) == UpdateStatus.PENDING)
            .values(status=UpdateStatus.DONE, processed_at=now, payload={}))
    return session.exec(stmt).rowcount == 1


def note_attempt(session: Session, row_id: int) -> None:
    session.exec(update(InboundUpdate).where(col(InboundUpdate.id) == row_id)
                 .values(attempts=col(InboundUpdate.attempts) + 1))


def set_aside(session: Session, row_id: int, reason: str, now: datetime) -> None:
    """Stop trying: the update is kept, with its content and the reason, for an officer."""
    session.exec(update(InboundUpdate).where(
        col(InboundUpdate.id) == row_id, col(InboundUpdate.status) == UpdateStatus.PENDING)
        .values(status=UpdateStatus.SET_ASIDE, reason=reason[:300], processed_at=now))


def set_aside_updates(session: Session, limit: int = 100) -> list[InboundUpdate]:
    return list(session.exec(select(InboundUpdate)
                             .where(InboundUpdate.status == UpdateStatus.SET_ASIDE)
                             .order_by(col(InboundUpdate.id).desc()).limit(limit)))


def retry_set_aside(session: Session, row_id: int) -> bool:
    """Put a set-aside update back in line (after the cause was fixed)."""
    stmt = (update(InboundUpdate).where(col(InboundUpdate.id) == row_id,
                                        col(InboundUpdate.status) == UpdateStatus.SET_ASIDE)
            .values(status=UpdateStatus.PENDING, attempts=0, hold_until=None))
    return session.exec(stmt).rowcount == 1


def purge_inbound(session: Session, before: datetime,
                  set_aside_before: datetime | None = None) -> int:
    """Forget processed updates older than the platforms' redelivery window (and set-aside
    ones older than ``set_aside_before``: they hold what a person sent)."""
    done = col(InboundUpdate.status) == UpdateStatus.DONE
    old = col(InboundUpdate.processed_at) < before
    where: Any = done & old
    if set_aside_before is not None:
        where = or_(where, (col(InboundUpdate.status) == UpdateStatus.SET_ASIDE)
                    & (col(InboundUpdate.received_at) < set_aside_before))
    return int(session.exec(delete(InboundUpdate).where(where)).rowcount)


def mark_reachable(session: Session, user_id: int) -> None:
    """The person wrote to the bot: whatever blocked it before, they can be reached now."""
    session.exec(update(User).where(col(User.id) == user_id, col(User.reachable).is_(False))
                 .values(reachable=True))


def mark_presence(session: Session, channel: str, external_id: str, reachable: bool) -> None:
    """The platform says the person blocked (False) or unblocked (True) the bot."""
    user_id = select(Identity.user_id).where(Identity.channel == channel,
                                             Identity.external_id == external_id)
    session.exec(update(User).where(col(User.id).in_(user_id.scalar_subquery()))
                 .values(reachable=reachable))


# Media to download -------------------------------------------------------------------------

class DownloadStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class MediaDownload(SQLModel, table=True):
    """A photo or voice note a person sent: the core already holds ``path``; a downloader
    fetches the platform's ``ref`` into it, off the update path."""

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(sa_type=String(32))
    ref: str = Field(sa_column=Column(Text, nullable=False))  # file id or the platform's URL
    path: str = Field(sa_type=String(500), unique=True)
    status: str = Field(default=DownloadStatus.PENDING, sa_type=String(16), index=True)
    attempts: int = 0
    not_before: datetime = Field(default_factory=utcnow)
    last_error: str | None = Field(default=None, sa_type=String(300))
    created_at: datetime = Field(default_factory=utcnow)
    done_at: datetime | None = None


def queue_download(session: Session, channel: str, ref: str, path: str, now: datetime) -> None:
    session.exec(_insert(session)(MediaDownload).values(
        channel=channel, ref=ref, path=path, status=DownloadStatus.PENDING, attempts=0,
        not_before=now, created_at=now).on_conflict_do_nothing(index_elements=["path"]))


def claim_downloads(session: Session, channel: str, now: datetime, lease: timedelta,
                    limit: int) -> list[tuple[int, str, str, int]]:
    """Due downloads as (id, ref, path, attempts), each leased until ``now + lease``."""
    rows = session.exec(select(MediaDownload).where(
        MediaDownload.channel == channel, MediaDownload.status == DownloadStatus.PENDING,
        col(MediaDownload.not_before) <= now).order_by(col(MediaDownload.id)).limit(limit)).all()
    found = [(r.id or 0, r.ref, r.path, r.attempts) for r in rows]
    if found:
        session.exec(update(MediaDownload).where(col(MediaDownload.id).in_([f[0] for f in found]))
                     .values(not_before=now + lease))
    return found


def download_done(session: Session, download_id: int, now: datetime) -> None:
    session.exec(update(MediaDownload).where(col(MediaDownload.id) == download_id)
                 .values(status=DownloadStatus.DONE, done_at=now, last_error=None,
                         attempts=col(MediaDownload.attempts) + 1))


def download_failed(session: Session, download_id: int, error: str,
                    retry_at: datetime | None) -> None:
    """Try again at ``retry_at``; None: give up (the platform's ref stays on the row)."""
    values: dict[str, Any] = {"last_error": error[:300],
                              "attempts": col(MediaDownload.attempts) + 1}
    if retry_at is None:
        values["status"] = DownloadStatus.FAILED
    else:
        values["not_before"] = retry_at
    session.exec(update(MediaDownload).where(col(MediaDownload.id) == download_id)
                 .values(**values))
