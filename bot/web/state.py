"""What every request shares: the store (writes), a reading engine, the clock, the calendar;
and the unit of work of a page (read) or of a form (write)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session
from starlette.requests import Request

from bot.base.messages import Lang
from bot.web.auth import Viewer, viewer
from scheduler.timetable import Calendar
from storage.reading import reading
from storage.repo import Store


@dataclass
class Web:
    store: Store
    reads: Engine
    clock: Callable[[], datetime]
    cal: Calendar
    secure: bool  # cookies only over HTTPS
    session_hours: float
    lang: Lang  # for pages shown before anyone is known (sign-in, errors)


def web_of(request: Request) -> Web:
    found: Web = request.app.state.web
    return found


@contextmanager
def read(request: Request) -> Iterator[tuple[Session, Viewer, datetime]]:
    """A page: one consistent snapshot, nothing written; the signed-in viewer."""
    web = web_of(request)
    now = web.clock()
    with reading(web.reads) as session:
        yield session, viewer(request, session, now), now


@contextmanager
def write(request: Request) -> Iterator[tuple[Session, Viewer, datetime]]:
    """A form: one transaction, committed when the action returns without error."""
    web = web_of(request)
    now = web.clock()
    with web.store.session() as session:
        yield session, viewer(request, session, now), now
