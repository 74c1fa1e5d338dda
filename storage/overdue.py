"""Villages that have not reported a month, and who was reminded when.

Reminders are outbox rows whose dedup key is ``remind:{user}:{kind}:{period}`` (see
``scheduler.planner``): collaborators get ``report-3d`` and ``report-0d``, commune officers
the ``digest``, the level above the ``escalate``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_
from sqlmodel import Session, col, select

from bot.base.messages import Role
from storage.models import Area, AreaLevel, OutboxMessage, Report, User
from storage.people import subtree_ids

VILLAGE = AreaLevel.VILLAGE.value


@dataclass(frozen=True)
class Reminder:
    user_id: int
    handle: str | None
    kind: str  # report-3d, report-0d, digest, escalate
    channel: str
    queued_at: datetime
    sent_at: datetime | None
    status: str


@dataclass
class Missing:
    village_id: int
    village: str
    commune: str
    collaborators: int = 0
    reminders: list[Reminder] = field(default_factory=list)


def missing_villages(session: Session, root_id: int, period: str) -> list[Missing]:
    """Villages of the area's subtree with no report for the period, by commune and name."""
    ids = subtree_ids(session, root_id)
    commune = Area.__table__.alias("commune")  # type: ignore[attr-defined]
    query = (select(Area.id, Area.name, commune.c.name)
             .join(commune, commune.c.id == col(Area.parent_id))
             .outerjoin(Report, and_(col(Report.area_id) == col(Area.id),
                                     col(Report.period) == period))
             .where(col(Area.level) == VILLAGE, col(Area.id).in_(ids),
                    col(Area.valid_to).is_(None), col(Report.id).is_(None))
             .distinct().order_by(commune.c.name, col(Area.name)))
    return [Missing(int(i or 0), str(v), str(c)) for i, v, c in session.exec(query).all()]


def reminders(session: Session, user_ids: list[int], period: str) -> list[Reminder]:
    """The reminders of a period queued for these people, oldest first."""
    if not user_ids:
        return []
    query = (select(OutboxMessage, User.handle)
             .join(User, col(User.id) == col(OutboxMessage.user_id))
             .where(col(OutboxMessage.user_id).in_(user_ids),
                    col(OutboxMessage.dedup_key).like(f"remind:%:{period}"))
             .order_by(col(OutboxMessage.created_at), col(OutboxMessage.id)))
    found = []
    for row, handle in session.exec(query).all():
        kind = str(row.dedup_key).split(":")[2]
        found.append(Reminder(int(row.user_id or 0), handle, kind, row.channel, row.created_at,
                              row.sent_at, row.status))
    return found


def overdue(session: Session, root_id: int, period: str) -> tuple[list[Missing],
                                                                   list[Reminder]]:
    """The missing villages with their collaborators' reminders, and the reminders sent to
    officers of the area about the period (digests, escalations)."""
    missing = missing_villages(session, root_id, period)
    by_village = {m.village_id: m for m in missing}
    people: dict[int, Missing] = {}
    query = select(User.id, User.area_id).where(
        col(User.role) == Role.COLLABORATOR.value, col(User.area_id).in_(list(by_village)))
    for user_id, area_id in session.exec(query).all():
        people[int(user_id or 0)] = by_village[int(area_id or 0)]
        by_village[int(area_id or 0)].collaborators += 1
    for reminder in reminders(session, list(people), period):
        people[reminder.user_id].reminders.append(reminder)
    officers = select(User.id).where(col(User.role).in_((Role.OFFICER.value, Role.ADMIN.value)),
                                     col(User.area_id).in_(subtree_ids(session, root_id)))
    officer_ids = [int(i or 0) for i in session.exec(officers).all()]
    return missing, reminders(session, officer_ids, period)
