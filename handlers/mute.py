"""/tatnhacnho (/mute): a collaborator or officer turns reminders off, or back on.

Without an argument it toggles; ``/tatnhacnho tat|bat`` (``off|on``) sets. Reminders,
overdue digests and escalations skip a muted person (the dry run says so); announcements
from officers (/thongbao) still arrive.
"""

from __future__ import annotations

from bot.base.messages import Outgoing
from bot.core.context import Context
from bot.core.router import STAFF, Command, Journey

OFF, ON = {"tat", "tắt", "off"}, {"bat", "bật", "on"}


def toggle(ctx: Context, args: str) -> list[Outgoing]:
    wanted = args.strip().lower()
    muted = True if wanted in OFF else False if wanted in ON else not ctx.user.muted
    ctx.user.muted = muted
    ctx.session.add(ctx.user)
    key = "officer.mute.off" if muted else "officer.mute.on"
    return [Outgoing(ctx.t(key), ctx.registry.menu(ctx.role, ctx.t))]


JOURNEY = Journey(commands=(Command(("tatnhacnho", "mute"), toggle, STAFF, help="help.mute"),))
