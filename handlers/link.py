"""Linking accounts: one person on Telegram and Zalo keeps one role, area and history.

``/lienket`` (``/link``) without a code gives a one-time code (6 characters, 10 minutes);
``/lienket CODE`` sent from the other platform account binds the two.
"""

from __future__ import annotations

from bot.base.messages import Outgoing
from bot.core.context import Context
from bot.core.router import Command, Journey
from storage.delivery import CODE_TTL, LinkResult, issue_link_code, redeem_link_code

MESSAGES = {
    LinkResult.UNKNOWN: "link.unknown",
    LinkResult.EXPIRED: "link.expired",
    LinkResult.SAME: "link.same",
    LinkResult.CONFLICT: "link.conflict",
}


def link(ctx: Context, args: str) -> list[Outgoing]:
    code = args.strip().split()[0] if args.strip() else ""
    if not code:
        issued = issue_link_code(ctx.session, ctx.user_id, ctx.now)
        minutes = int(CODE_TTL.total_seconds() // 60)
        return [Outgoing(ctx.t("link.code", code=issued, minutes=minutes))]
    result, user = redeem_link_code(ctx.session, code, ctx.user, ctx.now)
    if result is not LinkResult.LINKED:
        return [Outgoing(ctx.t(MESSAGES[result]))]
    ctx.user = user  # from now on this account speaks as the linked person
    return [Outgoing(ctx.t("link.done"), ctx.registry.menu(ctx.role, ctx.t))]


JOURNEY = Journey(commands=(Command(("lienket", "link"), link, help="help.link"),))
