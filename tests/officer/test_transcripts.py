"""Transcripts of what officers and collaborators see: a reminder, an overdue digest,
an export (approval and rejection transcripts are in tests/golden/)."""

from __future__ import annotations

import re

from scheduler.planner import tick
from scheduler.timetable import load_calendar
from tests.officer.helpers import check_golden, local
from tests.officer.test_overview import report
from tests.transcript import Transcript

CAL = load_calendar()
FILE = re.compile(r"\(tệp / file: [^)]*\)")


async def test_reminder_reaches_the_collaborator(make_bot, clock, request) -> None:
    clock.now = local("2026-03-22T09:00")  # three days before the 25th
    assert tick(clock=clock, store=make_bot().app.store, cal=CAL) == 1
    collaborator, script = make_bot("ctv-demo"), Transcript()
    script.user("/menu")
    script.bot(await collaborator.say("/menu"))
    check_golden(script, "reminder-vi", request, {})
    assert "25/3" in script.lines[1] and "Thôn Mẫu Một" in script.lines[1]


async def test_overdue_digest_reaches_the_commune_officer(make_bot, clock, request) -> None:
    await report(make_bot, clock, "2026-03-20T09:00")  # Thôn Mẫu Một reported, Hai did not
    clock.now = local("2026-03-26T09:00")  # the day after the deadline
    tick(make_bot().app.store, CAL, clock)
    officer, script = make_bot("canbo-demo"), Transcript()
    script.user("/menu")
    script.bot(await officer.say("/menu"))
    check_golden(script, "digest-vi", request, {})
    text = "\n".join(script.lines)
    assert "Thôn Mẫu Hai" in text and "Thôn Mẫu Một (dữ liệu mẫu) chưa" not in text


async def test_export_transcript(make_bot, clock, request) -> None:
    await report(make_bot, clock, "2026-03-20T09:00")
    officer, script = make_bot("canbo-demo"), Transcript()
    script.user("/xuat")
    replies = await officer.say("/xuat")
    script.bot(replies)
    path = replies[0].document_path
    assert path is not None and path.endswith(".xlsx")
    script.lines = [FILE.sub("(tệp / file: XUAT.xlsx)", line) for line in script.lines]
    check_golden(script, "export-vi", request, {})
