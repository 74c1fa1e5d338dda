"""The words of a nudge (in the recipient's language) and of the dry run's explanation."""

from __future__ import annotations

from datetime import datetime

from bot.base.i18n import fmt_date, fmt_month, fmt_number, t
from bot.base.messages import Lang, Outgoing
from scheduler.due import Due, Item, Status, World
from scheduler.timetable import Audience, Calendar
from storage.models import AreaLevel


def _name(world: World, area_id: int | None) -> str:
    place = world.places.get(area_id) if area_id is not None else None
    return place.name if place else "?"


def _villages_of(world: World, commune: int | None) -> int:
    return sum(1 for p in world.places.values()
               if p.parent_id == commune and p.level == AreaLevel.VILLAGE)


def _local_day(cal: Calendar, now: datetime) -> int:
    return now.astimezone(cal.tz).toordinal()


def _lines(world: World, items: tuple[Item, ...], lang: Lang, by_commune: bool,
           sep: str) -> str:
    if not by_commune:
        return sep.join(f"• {_name(world, i.area_id)}" for i in items)
    return sep.join(t(lang, "officer.nudge.commune_line", commune=_name(world, i.area_id),
                      missing=fmt_number(i.missing, lang),
                      expected=fmt_number(i.expected, lang)) for i in items)


def _fields(cal: Calendar, world: World, due: Due, now: datetime, lang: Lang,
            sep: str = "\n") -> dict[str, str]:
    stage, first = due.stage, due.items[0]
    left = stage.deadline.toordinal() - _local_day(cal, now)
    commune = world.places[first.area_id].parent_id if first.area_id in world.places else None
    day = fmt_date(stage.deadline, lang)  # the due day, or the review season's last day
    month = fmt_month(stage.period, lang) if len(stage.period) == 7 else stage.period
    return {"period": month, "year": stage.period, "deadline": day, "end": day,
            "days": fmt_number(abs(left), lang), "village": _name(world, first.area_id),
            "commune": _name(world, commune), "missing": fmt_number(len(due.items), lang),
            "expected": fmt_number(_villages_of(world, commune), lang),
            "lines": _lines(world, due.items, lang, stage.audience is Audience.ABOVE, sep)}


def _key(due: Due) -> str:
    kind = due.stage.kind
    if kind in ("report-0d", "digest", "escalate", "review-start"):
        return kind.replace("-", "_")
    return "report_before" if kind.startswith("report-") else "review_end"


def message(cal: Calendar, world: World, due: Due, now: datetime, lang: Lang) -> Outgoing:
    """The nudge itself: what is missing, by when, and the command that does it."""
    text = t(lang, f"officer.nudge.{_key(due)}", **_fields(cal, world, due, now, lang))
    return Outgoing(text + "\n\n" + t(lang, "officer.nudge.footer"))


def why(cal: Calendar, world: World, due: Due, now: datetime, lang: Lang) -> str:
    """One line of the dry run: why this person is (or is not) nudged now."""
    fields = _fields(cal, world, due, now, lang, sep=" ")
    reason = t(lang, f"officer.why.{_key(due)}", **fields)
    when = fmt_date(due.not_before, lang)
    status = t(lang, f"officer.status.{due.status.value}", when=when)
    if due.status is Status.SEND and not due.push:
        status += " " + t(lang, "officer.status.no_push")
    return f"{reason} → {status}"
