"""Pages from Jinja2 templates, in the viewer's language, with Babel formatting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from bot.base.i18n import Tr, fmt_date, fmt_month, fmt_number
from bot.base.messages import Lang
from bot.web.auth import Viewer

NAV = (("/", "web.nav.home"), ("/completeness", "web.nav.completeness"),
       ("/overdue", "web.nav.overdue"), ("/progress", "web.nav.progress"),
       ("/approvals", "web.nav.approvals"), ("/households", "web.nav.households"),
       ("/questions", "web.nav.questions"), ("/feedback", "web.nav.feedback"),
       ("/exports", "web.nav.exports"), ("/audit", "web.nav.audit"))


NOTICES = frozenset({"approved", "rejected", "period_approved", "period_unapproved",
                     "answered", "already", "reason_required", "no_reports", "not_approved",
                     "bad_answer"})


@cache
def environment() -> Environment:
    return Environment(loader=PackageLoader("bot.web", "templates"),
                       autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True)
class Formats:
    """What templates call to show numbers, shares, dates and months."""

    lang: Lang

    def num(self, value: float | None) -> str:
        return "" if value is None else fmt_number(value, self.lang)

    def pct(self, part: float, whole: float) -> str:
        return fmt_number(round(100 * part / whole, 1) if whole else 0, self.lang) + "%"

    def width(self, part: float, whole: float) -> float:
        """A bar's length, 0..100."""
        return round(min(100.0, 100 * part / whole), 1) if whole else 0.0

    def when(self, value: date | datetime | None) -> str:
        return "" if value is None else fmt_date(value, self.lang)

    def month(self, period: str) -> str:
        return fmt_month(period, self.lang)


def page(request: Request, who: Viewer | None, template: str, status: int = 200,
         lang: Lang = Lang.VI, **data: Any) -> HTMLResponse:
    """Render ``template`` for the viewer (or for nobody: the sign-in pages)."""
    lang = who.lang if who is not None else lang
    notice = request.query_params.get("notice")
    number = request.query_params.get("n") or ""
    html = environment().get_template(template).render(
        t=Tr(lang), f=Formats(lang), lang=lang.value, who=who, nav=NAV,
        path=request.url.path, csrf=who.csrf if who else "",
        notice=notice if notice in NOTICES else None,
        notice_number=int(number) if number.isdigit() and len(number) < 12 else None, **data)
    return HTMLResponse(html, status_code=status)
