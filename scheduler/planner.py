"""Planning: what ``due.compute`` finds due becomes outbox rows. The scheduler only ticks this.

The schedule lives in the database, not in the scheduler: a nudge is an ``OutboxMessage``
whose dedup key is ``remind:{user}:{kind}:{period}``, so planning twice (two ticks, two
processes, a restart) adds nothing, and a restart plans whatever is due and not yet planned.

A nudge that must wait (quiet hours, a dialog in progress) is not written at all: the first
tick after the wait plans it, so it is checked again against the reports of that moment (a
village that reported meanwhile is not nudged). Nothing is sent by this module; the outbox
senders deliver (priority 2: behind replies and notifications). A person with no push
account (terminal-only demo users) still gets the row, on a local channel: it is counted,
shows in the dry run and is shown with that person's next message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.base.messages import Lang, Role
from scheduler import nudges
from scheduler.due import Due, Person, Place, Status, World, compute, mark_planned
from scheduler.post import BULK, push
from scheduler.timetable import Calendar, period_of, shift
from storage import progress
from storage.models import User
from storage.repo import Store

log = logging.getLogger("giamngheo.scheduler")


@dataclass(frozen=True)
class Plan:
    now: datetime
    world: World
    dues: list[Due]
    users: dict[int, User]
    accounts: dict[int, list[tuple[str, str]]]


def load_world(session: Session, cal: Calendar, now: datetime) -> Plan:
    users = {u.id: u for u in progress.staff(session) if u.id is not None}
    accounts = progress.accounts(session, users)
    touched = progress.dialogs_touched(session, now - cal.dialog_idle, now)
    people = tuple(Person(uid, Role(u.role), u.area_id,
                          tuple(c for c, _ in accounts.get(uid, [])), u.muted, u.reachable,
                          touched.get(uid)) for uid, u in users.items())
    places = {a.id: Place(a.id, a.name, a.level, a.parent_id)
              for a in progress.areas(session) if a.id is not None}
    period = period_of(cal, now)
    reported = progress.reported(session, [shift(period, -1), period])
    return Plan(now, World(people, places, reported), [], users, accounts)


def plan(session: Session, cal: Calendar, now: datetime, write: bool = True) -> Plan:
    """Everything due at ``now``; with ``write``, the nudges that may go are queued."""
    loaded = load_world(session, cal, now)
    dues = compute(cal, loaded.world, now)
    dues = mark_planned(dues, progress.existing_keys(session, [d.key for d in dues]))
    result = Plan(now, loaded.world, dues, loaded.users, loaded.accounts)
    if write:
        for due in dues:
            if due.status is Status.SEND:
                _enqueue(session, cal, result, due)
    return result


def _enqueue(session: Session, cal: Calendar, result: Plan, due: Due) -> None:
    lang = Lang(result.users[due.user_id].language)
    reply = nudges.message(cal, result.world, due, result.now, lang)
    push(session, due.user_id, lang, result.accounts[due.user_id], reply, result.now,
         priority=BULK, dedup_key=due.key)


def tick(store: Store, cal: Calendar, clock: Callable[[], datetime]) -> int:
    """One planning pass in one transaction; returns how many nudges were queued."""
    with store.session() as session:
        done = plan(session, cal, clock())
    queued = sum(1 for d in done.dues if d.status is Status.SEND)
    waiting = sum(1 for d in done.dues if d.status in (Status.QUIET, Status.BUSY))
    if queued or waiting:  # counts only: no names, no ids
        log.info("reminders: %d queued, %d waiting", queued, waiting)
    return queued


def dry_run(store: Store, cal: Calendar, now: datetime, lang: Lang = Lang.VI) -> list[str]:
    """Who would be nudged at ``now`` and why; nothing is written."""
    with store.session() as session:
        result = plan(session, cal, now, write=False)
        lines = []
        for due in sorted(result.dues, key=lambda d: (d.stage.start, d.user_id)):
            user = result.users[due.user_id]
            who = user.handle or f"#{due.user_id}"
            head = f"{who:<16} {user.role:<12} {due.stage.kind:<13} {due.stage.period:<8}"
            lines.append(f"{head} {nudges.why(cal, result.world, due, now, lang)}")
    return lines
