"""Sign-in to the web dashboard without passwords: single-use links and sessions.

``/web`` in the chat issues a link token valid for 10 minutes; opening the link and
pressing "Sign in" redeems it (once) for a session. Only SHA-256 hashes of tokens and
session ids are stored, so a copy of the database signs nobody in. A session expires at a
fixed time (``expires_at``) or when its owner signs out; each carries its CSRF token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, delete, update
from sqlmodel import Field, Session, SQLModel, col

from bot.base.clock import aware

LINK_MINUTES = 10


class WebLink(SQLModel, table=True):
    """A single-use sign-in link (only its hash)."""

    token_hash: str = Field(sa_type=String(64), primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


class WebSession(SQLModel, table=True):
    """A signed-in browser (only the hash of its cookie)."""

    id_hash: str = Field(sa_type=String(64), primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    csrf: str = Field(sa_type=String(64))
    created_at: datetime
    expires_at: datetime = Field(index=True)
    ended_at: datetime | None = None


@dataclass(frozen=True)
class Signed:
    """A live session: whose it is, its CSRF token, when it ends."""

    user_id: int
    csrf: str
    expires_at: datetime


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_link(session: Session, user_id: int, now: datetime,
               minutes: int = LINK_MINUTES) -> str:
    """A new link token for the user (the raw token goes into the link, never stored)."""
    token = secrets.token_urlsafe(32)
    session.add(WebLink(token_hash=digest(token), user_id=user_id, created_at=now,
                        expires_at=now + timedelta(minutes=minutes)))
    session.flush()
    return token


def link_user(session: Session, token: str, now: datetime) -> int | None:
    """Whose unused, unexpired link this is (nothing is changed)."""
    link = session.get(WebLink, digest(token))
    if link is None or link.used_at is not None or aware(link.expires_at) <= now:
        return None
    return link.user_id


def redeem_link(session: Session, token: str, now: datetime) -> int | None:
    """Use the link (once: of two concurrent attempts one wins); its user, or None."""
    user_id = link_user(session, token, now)
    if user_id is None:
        return None
    table = WebLink.__table__  # type: ignore[attr-defined]
    used = session.execute(update(table).where(
        table.c.token_hash == digest(token), table.c.used_at.is_(None)).values(used_at=now))
    return user_id if used.rowcount == 1 else None  # type: ignore[attr-defined]


def start_session(session: Session, user_id: int, now: datetime,
                  hours: float) -> tuple[str, Signed]:
    """A new session: the raw id for the cookie, and what it signs."""
    raw = secrets.token_urlsafe(32)
    signed = Signed(user_id, secrets.token_urlsafe(32), now + timedelta(hours=hours))
    session.add(WebSession(id_hash=digest(raw), user_id=user_id, csrf=signed.csrf,
                           created_at=now, expires_at=signed.expires_at))
    purge(session, now)
    session.flush()
    return raw, signed


def load_session(session: Session, raw: str, now: datetime) -> Signed | None:
    found = session.get(WebSession, digest(raw))
    if found is None or found.ended_at is not None or aware(found.expires_at) <= now:
        return None
    return Signed(found.user_id, found.csrf, aware(found.expires_at))


def end_session(session: Session, raw: str, now: datetime) -> None:
    found = session.get(WebSession, digest(raw))
    if found is not None and found.ended_at is None:
        found.ended_at = now
        session.add(found)


def purge(session: Session, now: datetime, keep: timedelta = timedelta(days=1)) -> None:
    """Forget links and sessions that ended more than ``keep`` ago."""
    session.execute(delete(WebLink).where(col(WebLink.expires_at) < now - keep))
    session.execute(delete(WebSession).where(col(WebSession.expires_at) < now - keep))
