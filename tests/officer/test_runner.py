"""The APScheduler wiring: one interval job that only ticks the planner."""

from __future__ import annotations

from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from scheduler.runner import JOB_ID, add_tick
from scheduler.timetable import load_calendar
from tests.officer.helpers import local, outbox


def test_the_tick_job_is_configured_deliberately(app, clock) -> None:
    scheduler = BackgroundScheduler()  # never started: no thread in a unit test
    add_tick(scheduler, app.store, load_calendar(), interval_s=60, clock=clock)
    job = scheduler.get_job(JOB_ID)
    assert job.coalesce is True
    assert job.misfire_grace_time is None  # a late tick still runs (default: 1 s)
    assert job.max_instances == 1
    assert job.trigger.interval == timedelta(seconds=60)
    clock.now = local("2026-03-22T09:00")
    assert job.func(*job.args) == 1  # the job is the planner's tick
    assert len(outbox(app, "remind:")) == 1
