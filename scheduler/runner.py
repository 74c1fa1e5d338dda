"""The only file that imports APScheduler: it ticks the planner, it holds no schedule.

What is due lives in the database (reports, users, the outbox's dedup keys), so the
scheduler's own state can be lost at any time: the next tick (and the first one, at start)
plans everything due and not yet planned. Several scheduler processes may run: only the
leader (storage.leader: a PostgreSQL advisory lock, or a file lock on SQLite) ticks; the
others stand by and take over when it dies. Even two ticking at once would plan nothing
twice (the dedup keys are unique).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.base.clock import utcnow
from scheduler.planner import tick
from scheduler.retention import purge
from scheduler.timetable import Calendar
from storage.leader import Leader
from storage.repo import Store

log = logging.getLogger("giamngheo.scheduler")
JOB_ID = "plan-reminders"
RETENTION_ID = "retention"


def lead_tick(leader: Leader, store: Store, cal: Calendar,
              clock: Callable[[], datetime]) -> int:
    """Tick only while this process is the leader; a standby tries again next time."""
    if not leader.try_acquire():
        return 0
    return tick(store, cal, clock)


def add_tick(scheduler: BaseScheduler, store: Store, cal: Calendar, interval_s: int = 60,
             clock: Callable[[], datetime] = utcnow, leader: Leader | None = None) -> None:
    """One interval job that plans what is due.

    - ``coalesce=True``: ticks missed while the process was paused, suspended or busy run
      once, not once per missed minute (each tick already catches up on everything due).
    - ``misfire_grace_time=None``: a late tick still runs, however late. APScheduler's default
      grace of 1 s would silently drop a tick delayed by a slow previous one or a GC pause;
      dropping it is harmless only because another comes a minute later, so we do not rely
      on that.
    - ``max_instances=1``: a slow tick (a big province) is never overlapped by the next.
    - ``next_run_time`` now: a restart plans what fell due while it was down, at once.
    """
    leader = leader or Leader(store.engine)
    scheduler.add_job(lead_tick, IntervalTrigger(seconds=interval_s),
                      args=(leader, store, cal, clock),
                      id=JOB_ID, replace_existing=True, coalesce=True,
                      misfire_grace_time=None, max_instances=1, next_run_time=clock())


def add_retention(scheduler: BaseScheduler, store: Store, days: int, media_dir: Path | None,
                  clock: Callable[[], datetime] = utcnow, leader: Leader | None = None) -> None:
    """Hourly, on the leader only: message logs and media past their retention go."""
    leader = leader or Leader(store.engine)

    def job() -> None:
        if leader.try_acquire():
            purge(store, clock(), days, media_dir)

    scheduler.add_job(job, IntervalTrigger(hours=1), id=RETENTION_ID, replace_existing=True,
                      coalesce=True, misfire_grace_time=None, max_instances=1,
                      next_run_time=clock())


def run_forever(store: Store, cal: Calendar, interval_s: int = 60, retention_days: int = 365,
                media_dir: Path | None = None) -> None:
    """``giamngheo scheduler``: tick in the foreground until interrupted."""
    scheduler = BlockingScheduler(timezone=UTC)
    leader = Leader(store.engine)
    add_tick(scheduler, store, cal, interval_s, leader=leader)
    add_retention(scheduler, store, retention_days, media_dir, leader=leader)
    log.warning("scheduler started: planning reminders every %d s", interval_s)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.warning("scheduler stopped")
