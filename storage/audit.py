"""The audit log: who changed what and when, from the chat, the web dashboard or the CLI.

``record`` is called in the same transaction as the change it describes, so an entry exists
exactly when the change was committed. An entry names the actor (user id and role), the
action, the record (kind and id), the area it belongs to (for the officers' scope) and a
short detail that never holds personal data: no names, phone or ID numbers, no free text a
person typed (a rejection's reason or an answer's words stay in their own tables).

    from storage import audit
    audit.record(session, actor_id=7, role="officer", action=audit.Action.APPROVE_UPDATE,
                 target=audit.Target.HOUSEHOLD_UPDATE, target_id=12, area_id=villages_id,
                 via=audit.Via.WEB, at=now, detail="event=newly_poor")
    audit.entries(session, area_ids, limit=50, offset=0)   # newest first
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Connection, String, func, insert, or_
from sqlmodel import Field, Session, SQLModel, col, select

from bot.base.clock import utcnow

DETAIL_MAX = 200


class Action(StrEnum):
    APPROVE_UPDATE = "approve_update"
    REJECT_UPDATE = "reject_update"
    APPROVE_PERIOD = "approve_period"
    UNAPPROVE_PERIOD = "unapprove_period"
    ANSWER_QUESTION = "answer_question"
    EXPORT = "export"
    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"
    DELETE_OWN_DATA = "delete_own_data"  # a citizen's /xoadulieu: the stub that stays
    DELETE_EVIDENCE = "delete_evidence"  # an officer removes a mistaken photo or voice note
    DELETE_QUESTION = "delete_question"  # an officer removes a mistaken citizen's question


class Target(StrEnum):
    HOUSEHOLD_UPDATE = "household_update"
    VILLAGE_PERIOD = "village_period"  # a village's monthly reports (id: the village, detail)
    QUESTION = "question"
    AREA = "area"
    SESSION = "session"
    USER = "user"
    REPORT = "report"


class Via(StrEnum):
    CHAT = "chat"
    WEB = "web"
    CLI = "cli"


class AuditEntry(SQLModel, table=True):
    """One change, as it was committed (never updated, never deleted by the application)."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    role: str = Field(sa_type=String(16))
    action: str = Field(sa_type=String(24))
    target: str = Field(sa_type=String(24))
    target_id: str | None = Field(default=None, sa_type=String(40))
    area_id: int | None = Field(default=None, foreign_key="area.id", index=True)
    via: str = Field(sa_type=String(8))
    detail: str = Field(default="", sa_type=String(DETAIL_MAX))


_INSERT = insert(AuditEntry.__table__)  # type: ignore[attr-defined]


def record(db: Session | Connection, *, actor_id: int | None, role: str, action: Action,
           target: Target, target_id: int | str | None, area_id: int | None, via: Via,
           at: datetime, detail: str = "") -> None:
    """Add one entry in the caller's transaction (a Session or a Core connection)."""
    db.execute(_INSERT, {"actor_id": actor_id, "role": str(role), "action": action.value,
                         "target": target.value, "at": at, "via": via.value,
                         "target_id": None if target_id is None else str(target_id),
                         "area_id": area_id, "detail": detail[:DETAIL_MAX]})


def _scoped(area_ids: list[int] | None, unplaced: bool) -> object:
    if area_ids is None:
        return True
    where = col(AuditEntry.area_id).in_(area_ids)
    return or_(where, col(AuditEntry.area_id).is_(None)) if unplaced else where


def entries(session: Session, area_ids: list[int] | None, *, limit: int = 50, offset: int = 0,
            unplaced: bool = False) -> list[AuditEntry]:
    """Newest first, for the areas given (None: all); ``unplaced`` adds entries without an
    area (sign-ins, province-wide exports), for province-level viewers."""
    query = (select(AuditEntry).where(_scoped(area_ids, unplaced))  # type: ignore[arg-type]
             .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
             .offset(offset).limit(limit))
    return list(session.exec(query).all())


def count(session: Session, area_ids: list[int] | None, unplaced: bool = False) -> int:
    query = select(func.count()).select_from(AuditEntry).where(
        _scoped(area_ids, unplaced))  # type: ignore[arg-type]
    return int(session.exec(query).one())
