"""Administrator commands behind the CLI (kept out of bot/cli.py so it stays light)."""

from __future__ import annotations

from bot.base.clock import utcnow
from bot.base.messages import Role
from storage.lineage import area_for_code
from storage.people import ROLE_LEVELS, create_invite
from storage.repo import Store


def issue_invite(store: Store, role: str, area_code: str, days: int) -> tuple[str, str, str]:
    """(code, expiry, problem): problem is empty when the invite was made."""
    if role not in {r.value for r in ROLE_LEVELS}:
        return "", "", f"unknown role {role!r}: collaborator, officer or admin"
    with store.session() as session:
        area = area_for_code(session, area_code)  # the open unit; "2023:22783" for an old one
        if area is None or area.id is None:
            return "", "", f"unknown area code {area_code!r}"
        if area.level not in {level.value for level in ROLE_LEVELS[Role(role)]}:
            return "", "", f"a {role} cannot be bound to a {area.level}"
        made = create_invite(session, Role(role), area.id, None, utcnow(), days)
        return made.code, made.expires_at.date().isoformat(), ""


def set_aside_report(store: Store, show: int | None, retry: int | None) -> tuple[list[str], int]:
    """Lines for ``giamngheo updates`` and its exit code: the updates set aside (newest
    first), one stored update (``show``), or one put back in line (``retry``)."""
    import json

    from bot.base.clock import aware, local
    from storage import inbound
    from storage.models import InboundUpdate, UpdateStatus

    with store.session() as session:
        if retry is not None:
            if inbound.retry_set_aside(session, retry):
                return [f"{retry}: trở lại hàng chờ / back in line"], 0
            return [f"{retry}: không có / no such update set aside"], 1
        if show is not None:
            row = session.get(InboundUpdate, show)
            if row is None or row.status != UpdateStatus.SET_ASIDE:
                return [f"{show}: không có / no such update set aside"], 1
            return [json.dumps(row.payload, ensure_ascii=False, indent=1)], 0
        rows = inbound.set_aside_updates(session)
        lines = [f"{r.id}\t{r.channel}\t{r.update_id}\t"
                 f"{local(aware(r.received_at)).isoformat(timespec='minutes')}\t{r.reason}"
                 for r in rows]
    return lines or ["không có cập nhật nào bị để riêng / no update set aside"], 0
