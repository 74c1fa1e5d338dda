"""The dashboard's ASGI application: routes, security headers, error pages, ``serve``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.base.clock import utcnow
from bot.base.i18n import parse_lang
from bot.base.settings import Settings
from bot.web import actions, pages_admin, pages_reports, pages_work
from bot.web.auth import Denied, Missing, NotSignedIn
from bot.web.render import page
from bot.web.state import Web, web_of
from scheduler.timetable import Calendar, load_calendar
from storage.reading import reader
from storage.repo import Store

log = logging.getLogger("giamngheo.web")
STATIC = Path(__file__).with_name("static")
HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'self'; img-src 'self'; "
     b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),  # the sign-in link never leaves in a Referer
    (b"x-frame-options", b"DENY"),
]

ROUTES = [
    Route("/", pages_reports.home, name="home"),
    Route("/completeness", pages_reports.completeness, name="completeness"),
    Route("/overdue", pages_reports.overdue_page, name="overdue"),
    Route("/progress", pages_reports.progress_page, name="progress"),
    Route("/approvals", pages_work.approvals, name="approvals"),
    Route("/approvals/update/{update_id:int}", actions.decide, methods=["POST"],
          name="decide"),
    Route("/approvals/period", actions.set_period, methods=["POST"], name="period"),
    Route("/households", pages_work.households, name="households"),
    Route("/questions", pages_work.questions, name="questions"),
    Route("/questions/{question_id:int}/answer", actions.answer, methods=["POST"],
          name="answer"),
    Route("/feedback", pages_work.feedback_page, name="feedback"),
    Route("/exports", pages_admin.exports, name="exports"),
    Route("/exports", pages_admin.download, methods=["POST"], name="download"),
    Route("/audit", pages_admin.audit_page, name="audit"),
    Route("/signin", actions.signin, name="signin"),
    Route("/login/{token:str}", actions.login_form, name="login_form"),
    Route("/login/{token:str}", actions.login, methods=["POST"], name="login"),
    Route("/logout", actions.logout, methods=["POST"], name="logout"),
    Mount("/static", StaticFiles(directory=STATIC), name="static"),
]


class SecurityHeaders:
    """Every response: a strict content policy (no script at all), no framing, no
    referrer; pages are not cached (they hold personal data)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", [])) + HEADERS
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def not_signed_in(request: Request, _exc: Exception) -> Response:
    return page(request, None, "signin.html", status=401, lang=web_of(request).lang)


def denied(request: Request, _exc: Exception) -> Response:
    return page(request, None, "error.html", status=403, lang=web_of(request).lang,
                key="web.error.denied")


def missing(request: Request, _exc: Exception) -> Response:
    return page(request, None, "error.html", status=404, lang=web_of(request).lang,
                key="web.error.missing")


def create_app(store: Store, clock: Callable[[], datetime] = utcnow,
               settings: Settings | None = None, cal: Calendar | None = None) -> Starlette:
    settings = settings or Settings()
    app = Starlette(routes=ROUTES, middleware=[Middleware(SecurityHeaders)],
                    exception_handlers={NotSignedIn: not_signed_in, Denied: denied,
                                        Missing: missing, 404: missing})
    app.state.web = Web(store, reader(store.engine), clock,
                        cal or load_calendar(settings.calendar_file, settings.timezone),
                        settings.web_base_url.startswith("https://"), settings.web_session_hours,
                        parse_lang(settings.default_language))
    return app


def serve(listen: str) -> None:
    """Run the dashboard with uvicorn on ``host:port`` (beside the bot processes)."""
    import uvicorn

    from bot.bootstrap import build_store

    settings = Settings()
    host, _, port = listen.rpartition(":")
    app = create_app(build_store(settings), settings=settings)
    uvicorn.run(app, host=host or "127.0.0.1", port=int(port),
                log_level="warning", access_log=False, proxy_headers=True)
