"""Who is asking: the session cookie, the officer behind it, their area; CSRF on every form.

A session is an HttpOnly, SameSite=Lax cookie (Secure when the dashboard is served over
HTTPS) holding a random id whose hash is stored (``storage.weblogin``); it expires with
the session. Every request loads the person again, so a changed role or area takes effect
at once. Every form carries the session's CSRF token, compared in constant time.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from bot.base.i18n import Tr, parse_lang
from bot.base.messages import Lang, Role
from storage import privacy, weblogin
from storage.models import Area, AreaLevel, User
from storage.people import acting_area

COOKIE = "giamngheo_session"
OFFICERS = frozenset({Role.OFFICER, Role.ADMIN})


class NotSignedIn(Exception):
    """No live session: the sign-in page is shown (401)."""


class Denied(Exception):
    """Signed in, but not allowed: a role without the dashboard, an area outside one's
    scope, a form without the right CSRF token (403)."""


class Missing(Exception):
    """No such record, or one outside the viewer's scope: the same to them (404)."""


@dataclass(frozen=True)
class Viewer:
    user: User
    area: Area
    csrf: str
    session_expires: datetime

    @property
    def user_id(self) -> int:
        assert self.user.id is not None
        return self.user.id

    @property
    def lang(self) -> Lang:
        return parse_lang(self.user.language)

    @property
    def tr(self) -> Tr:
        return Tr(self.lang)

    @property
    def province(self) -> bool:
        return self.area.level == AreaLevel.PROVINCE

    @property
    def sees_names(self) -> bool:
        return privacy.may_see_names(self.user.role, self.area.level)

    @property
    def names(self) -> Callable[[str], str]:
        """How this viewer sees a household head's name (full or masked)."""
        return privacy.namer(self.user.role, self.area.level)


def viewer(request: Request, session: Session, now: datetime) -> Viewer:
    raw = request.cookies.get(COOKIE)
    signed = weblogin.load_session(session, raw, now) if raw else None
    if signed is None:
        raise NotSignedIn
    user = session.get(User, signed.user_id)
    if user is None or user.role not in OFFICERS or user.area_id is None:
        raise Denied
    area = session.get(Area, user.area_id)
    if area is None:
        raise Denied
    return Viewer(user, acting_area(session, area), signed.csrf, signed.expires_at)


def check_csrf(who: Viewer, sent: object) -> None:
    if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), who.csrf.encode()):
        raise Denied


def set_cookie(response: Response, raw: str, expires: datetime, now: datetime,
               secure: bool) -> None:
    """Max-Age only (relative): the browser's clock need not agree with ours."""
    response.set_cookie(COOKIE, raw, max_age=int((expires - now).total_seconds()), path="/",
                        httponly=True, samesite="lax", secure=secure)


def clear_cookie(response: Response, secure: bool) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=secure)
