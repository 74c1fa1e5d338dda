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


def _reach(session: Session, area_id: int) -> tuple[list[int], list[int]]:
    """(ids in scope, ids needing assignment) from ``area_id``: its subtree, widened by the
    subtrees of the units it (or anything under it) took over whole; units taken over only in
    part (a split ward) are followed separately, their records belong to no one unit yet."""
    back = lineage.back_map(session)
    found, seen, frontier, partial = [area_id], {area_id}, [area_id], []
    while frontier:  # ids only: a province has about a thousand areas
        children = session.exec(select(Area.id).where(col(Area.parent_id).in_(frontier))).all()
        older = [(old, p) for here in frontier for old, p in back.get(here, [])]
        partial += [old for old, p in older if p and old not in seen]
        frontier = [i for i in dict.fromkeys([*(int(c) for c in children if c is not None),
                                              *(old for old, p in older if not p)])
                    if i not in seen]
        seen.update(frontier)
        found += frontier
    shared: list[int] = []
    for root in dict.fromkeys(partial):
        shared += [i for i in _reach(session, root)[0] if i not in seen and i not in shared]
    return found, shared


def subtree_ids(session: Session, area_id: int) -> list[int]:
    """The area and everything under it (two or three levels, any depth), and, through the
    lineage, everything under the units it took over whole (a 2025 commune sees the records
    made under its 2023 communes and their villages)."""
    return _reach(session, area_id)[0]


def unassigned_ids(session: Session, area_id: int) -> list[int]:
    """Units under a partly taken-over predecessor (Phường Đông Hải of 2025-01, split between
    two new units): their records are shown as needing assignment, never counted twice."""
    return _reach(session, area_id)[1]


def in_scope(session: Session, user: User, area_id: int | None) -> bool:
    """An area is in a user's scope when the user's area (or a unit that took it over whole)
    is the area or one of its parents, or took over (whole) one of them."""
    if user.area_id is None:
        return False
    roots = set(acting_roots(session, user.area_id))
    forward = lineage.forward_map(session)
    while area_id is not None:
        if area_id in roots or roots & lineage.whole_successors(area_id, forward):
            return True
        area = session.get(Area, area_id)
        area_id = area.parent_id if area else None
    return False


def acting_roots(session: Session, area_id: int) -> list[int]:
    """Where someone bound to ``area_id`` acts today: the area, and once it has closed, the
    current units that took it over whole (the province of 2023 -> Tỉnh Khánh Hòa)."""
    return [area_id, *(x.area.id for x in lineage.current_units(session, area_id)
                       if x.area.id is not None and x.area.id != area_id and not x.partial)]


def acting_area(session: Session, area: Area) -> Area:
    """The unit a person bound to ``area`` works on today: the area itself, or, once it has
    closed and one current unit took it over whole, that unit (Xã Phước Bình of 2023 -> Xã Bác
    Ái Tây). The binding itself is kept as it was made."""
    if area.id is None or area.valid_to is None:
        return area
    roots = [i for i in acting_roots(session, area.id) if i != area.id]
    found = session.get(Area, roots[0]) if len(roots) == 1 else None
    return found or area


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
