"""Administrator commands behind the CLI (kept out of bot/cli.py so it stays light)."""

from __future__ import annotations

from sqlmodel import select

from bot.base.clock import utcnow
from bot.base.messages import Role
from storage.models import Area
from storage.people import ROLE_LEVELS, create_invite
from storage.repo import Store


def issue_invite(store: Store, role: str, area_code: str, days: int) -> tuple[str, str, str]:
    """(code, expiry, problem): problem is empty when the invite was made."""
    if role not in {r.value for r in ROLE_LEVELS}:
        return "", "", f"unknown role {role!r}: collaborator, officer or admin"
    with store.session() as session:
        area = session.exec(select(Area).where(Area.code == area_code)).first()
        if area is None or area.id is None:
            return "", "", f"unknown area code {area_code!r}"
        if area.level not in {level.value for level in ROLE_LEVELS[Role(role)]}:
            return "", "", f"a {role} cannot be bound to a {area.level}"
        made = create_invite(session, Role(role), area.id, None, utcnow(), days)
        return made.code, made.expires_at.date().isoformat(), ""
