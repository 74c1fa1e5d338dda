"""Forms: signing in and out, deciding household updates, approving a village's month,
answering a question. Every form but sign-in carries the session's CSRF token; every
action goes through the same rules as the chat (``handlers.officework``) and ends with a
redirect to a page of this site that says what happened (``?notice=``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.base.i18n import parse_lang
from bot.base.messages import Lang
from bot.web import auth, scope
from bot.web.auth import Missing, check_csrf
from bot.web.render import page
from bot.web.state import web_of, write
from handlers import officework
from handlers.officework import Outcome
from storage import audit, weblogin
from storage.models import Area, UpdateDecision, User
from storage.reading import reading

ANSWER_MAX = 2000


def _back(path: str, **params: object) -> RedirectResponse:
    """A redirect to one of our pages (never to a place given by the client)."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return RedirectResponse(f"{path}?{query}" if query else path, status_code=303)


def _default_lang(request: Request) -> Lang:
    return web_of(request).lang


def signin(request: Request) -> Response:
    return page(request, None, "signin.html", lang=_default_lang(request))


def login_form(request: Request) -> Response:
    """The link from the chat: a button to press (link previews must not use it up)."""
    web = web_of(request)
    token = request.path_params["token"]
    with reading(web.reads) as session:
        user_id = weblogin.link_user(session, token, web.clock())
        user = session.get(User, user_id) if user_id else None
    if user is None:
        return page(request, None, "link_invalid.html", status=400, lang=_default_lang(request))
    return page(request, None, "login.html", lang=parse_lang(user.language), token=token)


def _redeem(request: Request, token: str) -> tuple[str, weblogin.Signed] | None:
    web = web_of(request)
    now = web.clock()
    with web.store.session() as session:
        user_id = weblogin.redeem_link(session, token, now)
        user = session.get(User, user_id) if user_id else None
        if user is None or user.role not in auth.OFFICERS or user.area_id is None:
            return None
        raw, signed = weblogin.start_session(session, user.id or 0, now, web.session_hours)
        audit.record(session, actor_id=user.id, role=user.role, action=audit.Action.SIGN_IN,
                     target=audit.Target.SESSION, target_id=None, area_id=user.area_id,
                     via=audit.Via.WEB, at=now)
        return raw, signed


async def login(request: Request) -> Response:
    found = await run_in_threadpool(_redeem, request, request.path_params["token"])
    if found is None:
        return page(request, None, "link_invalid.html", status=400, lang=_default_lang(request))
    web = web_of(request)
    response = RedirectResponse("/", status_code=303)
    auth.set_cookie(response, found[0], found[1].expires_at, web.clock(), web.secure)
    return response


def _logout(request: Request, form: dict[str, str]) -> None:
    with write(request) as (session, who, now):
        check_csrf(who, form.get("csrf"))
        weblogin.end_session(session, request.cookies.get(auth.COOKIE, ""), now)
        audit.record(session, actor_id=who.user_id, role=who.user.role,
                     action=audit.Action.SIGN_OUT, target=audit.Target.SESSION,
                     target_id=None, area_id=who.area.id, via=audit.Via.WEB, at=now)


async def logout(request: Request) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    await run_in_threadpool(_logout, request, form)
    response = page(request, None, "signed_out.html", lang=_default_lang(request))
    auth.clear_cookie(response, web_of(request).secure)
    return response


def _notice(outcome: Outcome, done: str) -> str:
    if outcome is Outcome.NOT_FOUND:
        raise Missing
    return done if outcome is Outcome.DONE else outcome.value


def _decide(request: Request, form: dict[str, str]) -> Response:
    with write(request) as (session, who, now):
        check_csrf(who, form.get("csrf"))
        number = request.path_params["update_id"]
        decision = form.get("decision")
        if decision not in (UpdateDecision.APPROVED, UpdateDecision.REJECTED):
            raise Missing
        reason = (form.get("reason") or "").strip()[:500] or None
        outcome = officework.decide_update(session, who.user, number, UpdateDecision(decision),
                                           reason, now, audit.Via.WEB)
        notice = _notice(outcome, str(decision))
    return _back("/approvals", notice=notice, n=number, area=form.get("area"),
                 period=form.get("period"))


def _period(request: Request, form: dict[str, str]) -> Response:
    with write(request) as (session, who, now):
        check_csrf(who, form.get("csrf"))
        village, period = form.get("village") or "", form.get("period") or ""
        action = form.get("action")
        if not village.isdigit() or not scope.PERIOD.match(period) or action not in (
                "approve", "unapprove"):
            raise Missing
        outcome = officework.set_period(session, who.user, int(village), period,
                                        action == "approve", now, audit.Via.WEB)
        notice = _notice(outcome, f"period_{action}d")
        shown = session.get(Area, int(village))
        parent = session.get(Area, shown.parent_id) if shown and shown.parent_id else None
    return _back("/approvals", notice=notice, area=parent.code if parent else None,
                 period=period)


def _answer(request: Request, form: dict[str, str]) -> Response:
    with write(request) as (session, who, now):
        check_csrf(who, form.get("csrf"))
        number = request.path_params["question_id"]
        text = (form.get("answer") or "").replace("\r\n", "\n").strip()
        if sum(ch.isalpha() for ch in text) < 2 or len(text) > ANSWER_MAX:
            return _back("/questions", notice="bad_answer", n=number)
        outcome = officework.answer_question(session, who.user, number, text, now,
                                             audit.Via.WEB)
        notice = _notice(outcome, "answered")
    return _back("/questions", notice=notice, n=number)


def _form_action(work: Callable[[Request, dict[str, str]], Response],
                 ) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint that reads the form, then does ``work`` off the event loop."""

    async def endpoint(request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        response: Response = await run_in_threadpool(work, request, form)
        return response

    return endpoint


decide = _form_action(_decide)
set_period = _form_action(_period)
answer = _form_action(_answer)
