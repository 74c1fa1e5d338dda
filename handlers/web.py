"""/web: a single-use link (valid 10 minutes) that signs an officer in to the dashboard."""

from __future__ import annotations

from bot.base.i18n import fmt_number
from bot.base.messages import Outgoing
from bot.core.context import Context
from bot.core.router import OFFICIALS, Command, Journey
from storage import weblogin


def login_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/login/{token}"


def command(ctx: Context, args: str) -> list[Outgoing]:
    if ctx.area_id is None:
        return [Outgoing(ctx.t("officer.no_area"), ctx.registry.menu(ctx.role, ctx.t))]
    token = weblogin.issue_link(ctx.session, ctx.user_id, ctx.now)
    url = login_url(ctx.env.settings.web_base_url, token)
    return [Outgoing(ctx.t("web.link", url=url,
                           minutes=fmt_number(weblogin.LINK_MINUTES, ctx.lang)),
                     ctx.registry.menu(ctx.role, ctx.t))]


JOURNEY = Journey(commands=(Command(("web", "dashboard"), command, OFFICIALS, "menu.web",
                                   "help.web"),))
