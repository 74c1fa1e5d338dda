"""Who may act where: area subtrees, invites binding users to a role and an area."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, col, select

from bot.base.clock import aware
from bot.base.messages import Role
from storage import lineage
from storage.models import Area, AreaLevel, Invite, User

INVITE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
INVITE_LENGTH = 8
ROLE_LEVELS = {  # where each invited role may be bound
    Role.COLLABORATOR: {AreaLevel.VILLAGE},
    Role.OFFICER: {AreaLevel.COMMUNE, AreaLevel.DISTRICT, AreaLevel.PROVINCE},
    Role.ADMIN: {AreaLevel.PROVINCE},
}


class InviteResult(StrEnum):
    JOINED = "joined"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    HAS_ROLE = "has_role"


def subtree_ids(session: Session, area_id: int) -> list[int]:
    """The area and everything under it (two or three levels, any depth)."""
    found, frontier = [area_id], [area_id]
    while frontier:  # ids only: a province has about a thousand areas
        children = session.exec(select(Area.id).where(col(Area.parent_id).in_(frontier))).all()
        frontier = [int(i) for i in children if i is not None]
        found += frontier
    return found


def in_scope(session: Session, user: User, area_id: int | None) -> bool:
    """An area is in a user's scope when the user's area is the area or one of its parents."""
    while area_id is not None and user.area_id is not None:
        if area_id == user.area_id:
            return True
        area = session.get(Area, area_id)
        area_id = area.parent_id if area else None
    return False


def acting_roots(session: Session, area_id: int) -> list[int]:
    """Where someone bound to ``area_id`` acts today: the area, and once it has closed, the
    current units that took it over (the province of 2023 -> Tỉnh Khánh Hòa)."""
    return [area_id, *(x.area.id for x in lineage.current_units(session, area_id)
                       if x.area.id is not None and x.area.id != area_id)]


def invitable_areas(session: Session, user: User, role: Role) -> list[Area]:
    """Open areas of the user's subtree (or of the units that took it over) where someone of
    ``role`` can be bound: invites go to current units only."""
    if user.area_id is None:
        return []
    ids = [i for root in acting_roots(session, user.area_id) for i in subtree_ids(session, root)]
    levels = [level.value for level in ROLE_LEVELS[role]]
    query = select(Area).where(col(Area.id).in_(ids), col(Area.level).in_(levels),
                               col(Area.valid_to).is_(None)).order_by(col(Area.name))
    return list(session.exec(query).all())


def create_invite(session: Session, role: Role, area_id: int, created_by: int | None,
                  now: datetime, days: int = 7) -> Invite:
    while True:
        code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))
        if session.get(Invite, code) is None:
            break
    invite = Invite(code=code, role=role.value, area_id=area_id, created_by=created_by,
                    created_at=now, expires_at=now + timedelta(days=days))
    session.add(invite)
    session.flush()
    return invite


def redeem_invite(session: Session, code: str, user: User, now: datetime) -> InviteResult:
    """Single use, expiring; never downgrades an officer or administrator."""
    invite = session.get(Invite, code.strip().upper())
    if invite is None:
        return InviteResult.UNKNOWN
    if invite.used_at is not None:
        return InviteResult.USED
    if aware(invite.expires_at) < now:
        return InviteResult.EXPIRED
    if user.role != Role.CITIZEN and user.role != invite.role:
        return InviteResult.HAS_ROLE
    user.role, user.area_id = invite.role, invite.area_id
    invite.used_at, invite.used_by = now, user.id
    session.add_all([user, invite])
    return InviteResult.JOINED
