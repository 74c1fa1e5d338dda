"""The reporting calendar (``calendar.yaml``) and the stages it makes. Pure: no storage, no clock.

The calendar makes *stages*, each with a window [start, end): a stage is due while ``now`` is
in its window, so a scheduler that was down when a stage began still plans it when it comes
back (a restart never skips a nudge that is still useful). A later stage of the same chain
closes the earlier one: after a restart on the deadline day only "today is the deadline" is
planned, not also "three days left". Deadline reminders close at the end of the due day;
the digest and the escalation close with the month (a report sent later counts for the next
month, so there is nothing left to chase), or a day after they open if they open later.
"""

from __future__ import annotations

import calendar as months
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

CALENDAR = Path(__file__).with_name("calendar.yaml")


@dataclass(frozen=True)
class Calendar:
    tz: ZoneInfo
    send_time: time
    quiet_start: time
    quiet_end: time
    dialog_idle: timedelta
    due_day: int
    remind_days_before: tuple[int, ...]
    digest_days_after: int
    escalate_days_after: int
    review_start: tuple[int, int]  # (month, day)
    review_end: tuple[int, int]
    review_days_before_end: tuple[int, ...]


def _hm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _md(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


def load_calendar(path: Path | str | None = None, tz: str = "Asia/Ho_Chi_Minh") -> Calendar:
    raw = yaml.safe_load(Path(path or CALENDAR).read_text(encoding="utf-8"))
    monthly, review = raw["monthly_report"], raw["review_season"]
    before = tuple(sorted({int(n) for n in monthly["remind_days_before"]}, reverse=True))
    if not 1 <= int(monthly["due_day"]) - before[0] <= 28:
        raise ValueError("a month's reminders must fall within that month")
    return Calendar(
        tz=ZoneInfo(tz), send_time=_hm(raw["send_time"]),
        quiet_start=_hm(raw["quiet_hours"]["start"]), quiet_end=_hm(raw["quiet_hours"]["end"]),
        dialog_idle=timedelta(minutes=int(raw["dialog_idle_minutes"])),
        due_day=int(monthly["due_day"]), remind_days_before=before,
        digest_days_after=int(monthly["digest_days_after"]),
        escalate_days_after=int(monthly["escalate_days_after"]),
        review_start=_md(review["start"]), review_end=_md(review["end"]),
        review_days_before_end=tuple(sorted({int(n) for n in
                                             review["remind_days_before_end"]}, reverse=True)))


# Time ----------------------------------------------------------------------------------------

def deadline(cal: Calendar, period: str) -> date:
    """The due day of a month's reports ("YYYY-MM")."""
    year, month = (int(x) for x in period.split("-"))
    return date(year, month, min(cal.due_day, months.monthrange(year, month)[1]))


def day_start(cal: Calendar, day: date) -> datetime:
    return datetime.combine(day, time(0), cal.tz).astimezone(UTC)


def deadline_end(cal: Calendar, period: str) -> datetime:
    """The first instant after the due day (UTC): a report sent before it is on time."""
    return day_start(cal, deadline(cal, period) + timedelta(days=1))


def _at(cal: Calendar, day: date) -> datetime:
    return datetime.combine(day, cal.send_time, cal.tz).astimezone(UTC)


def quiet_until(cal: Calendar, now: datetime) -> datetime | None:
    """When the quiet hours around ``now`` end, or None when ``now`` is not quiet."""
    local = now.astimezone(cal.tz)
    start, end, clock = cal.quiet_start, cal.quiet_end, local.time()
    wraps = start > end  # e.g. 21:00-06:00
    quiet = (clock >= start or clock < end) if wraps else start <= clock < end
    if not quiet:
        return None
    day = local.date() + timedelta(days=1) if wraps and clock >= start else local.date()
    return datetime.combine(day, end, cal.tz).astimezone(UTC)


def period_of(cal: Calendar, moment: datetime) -> str:
    return moment.astimezone(cal.tz).strftime("%Y-%m")


def shift(period: str, months_: int) -> str:
    year, month = (int(x) for x in period.split("-"))
    index = year * 12 + month - 1 + months_
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# Stages --------------------------------------------------------------------------------------

class Audience(StrEnum):
    VILLAGE = "village"  # collaborators of villages that have not reported
    COMMUNE = "commune"  # commune officers: their villages that have not reported
    ABOVE = "above"  # the nearest level above the commune with officers
    REVIEW = "review"  # every collaborator


@dataclass(frozen=True)
class Stage:
    kind: str  # report-3d, report-0d, digest, escalate, review-start, review-7d
    period: str  # YYYY-MM, or YYYY for the review season
    audience: Audience
    start: datetime
    end: datetime
    deadline: date


def _chain(moments: list[tuple[str, datetime]], end: datetime) -> list[tuple[str, datetime,
                                                                              datetime]]:
    ends = [m for _, m in moments[1:]] + [end]
    return [(kind, start, min(stop, end)) for (kind, start), stop in zip(moments, ends,
                                                                         strict=True)]


def _month_stages(cal: Calendar, period: str) -> list[Stage]:
    due = deadline(cal, period)
    reminders = [(f"report-{n}d", _at(cal, due - timedelta(days=n)))
                 for n in cal.remind_days_before]
    chain = _chain(reminders, deadline_end(cal, period))
    stages = [Stage(k, period, Audience.VILLAGE, s, e, due) for k, s, e in chain]
    year, month = (int(x) for x in shift(period, 1).split("-"))
    month_end = day_start(cal, date(year, month, 1))
    for kind, days, audience in (("digest", cal.digest_days_after, Audience.COMMUNE),
                                 ("escalate", cal.escalate_days_after, Audience.ABOVE)):
        start = _at(cal, due + timedelta(days=days))
        end = max(month_end, start + timedelta(days=1))
        stages.append(Stage(kind, period, audience, start, end, due))
    return stages


def _review_stages(cal: Calendar, year: int) -> list[Stage]:
    first, last = date(year, *cal.review_start), date(year, *cal.review_end)
    moments = [("review-start", _at(cal, first))]
    moments += [(f"review-{n}d", _at(cal, last - timedelta(days=n)))
                for n in cal.review_days_before_end]
    chain = _chain(moments, day_start(cal, last + timedelta(days=1)))
    return [Stage(k, str(year), Audience.REVIEW, s, e, last) for k, s, e in chain]


def stages(cal: Calendar, now: datetime) -> list[Stage]:
    """The stages whose window holds ``now``."""
    period = period_of(cal, now)
    every = [*_month_stages(cal, shift(period, -1)), *_month_stages(cal, period),
             *_review_stages(cal, now.astimezone(cal.tz).year)]
    return [s for s in every if s.start <= now < s.end]

