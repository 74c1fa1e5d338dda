"""What is due now: a pure function of (calendar, world, now). No storage, no clock.

For each stage of the calendar (see ``timetable``) and each recipient there is one ``Due``
with a status: send now; wait for the end of quiet hours (or never go, when the night lasts
past the nudge's window: "today is the deadline" is not sent the next morning); wait for a
dialog in progress to end (nothing is written meanwhile: the first tick after it ends plans
the nudge); muted; unreachable; or already planned (its key is in the outbox, so planning
again adds nothing).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from bot.base.messages import Role
from scheduler.timetable import Audience, Calendar, Stage, quiet_until, stages
from storage.models import AreaLevel

PUSH_CHANNELS = ("telegram", "zalo")
OFFICIALS = frozenset({Role.OFFICER, Role.ADMIN})


class Status(StrEnum):
    SEND = "send"
    QUIET = "quiet"  # waits for the end of quiet hours (planned by the first tick after)
    TOO_LATE = "too_late"  # quiet hours last past the nudge's window: it will not go
    BUSY = "busy"  # waits for the user's dialog to end (planned by the first tick after)
    MUTED = "muted"
    UNREACHABLE = "unreachable"  # blocked the bot, or has no account at all
    PLANNED = "planned"  # already in the outbox: planning again adds nothing


@dataclass(frozen=True)
class Person:
    id: int
    role: Role
    area_id: int | None
    channels: tuple[str, ...] = ()  # the channels of the person's accounts
    muted: bool = False
    reachable: bool = True
    dialog_at: datetime | None = None  # when a dialog in progress was last touched

    @property
    def push(self) -> bool:
        return any(c in PUSH_CHANNELS for c in self.channels)


@dataclass(frozen=True)
class Place:
    id: int
    name: str
    level: str
    parent_id: int | None


@dataclass(frozen=True)
class World:
    people: tuple[Person, ...]
    places: Mapping[int, Place]
    reported: frozenset[tuple[int, str]]  # (village id, period) with at least one report


@dataclass(frozen=True)
class Item:
    area_id: int  # the village (reminder, digest) or a commune (escalation)
    missing: int = 1
    expected: int = 1


@dataclass(frozen=True)
class Due:
    user_id: int
    stage: Stage
    items: tuple[Item, ...]
    status: Status
    not_before: datetime
    push: bool

    @property
    def key(self) -> str:
        """The outbox's dedup key: one nudge per (user, reminder, period), ever."""
        return f"remind:{self.user_id}:{self.stage.kind}:{self.stage.period}"


def status_of(cal: Calendar, person: Person, now: datetime) -> tuple[Status, datetime]:
    if person.muted:
        return Status.MUTED, now
    if not person.reachable or not person.channels:
        return Status.UNREACHABLE, now
    if person.dialog_at is not None and now - person.dialog_at < cal.dialog_idle:
        return Status.BUSY, person.dialog_at + cal.dialog_idle
    quiet = quiet_until(cal, now)
    return (Status.QUIET, quiet) if quiet else (Status.SEND, now)


class _Tree:
    def __init__(self, world: World) -> None:
        self.places = world.places
        self.villages: dict[int, list[int]] = defaultdict(list)  # commune -> its villages
        for place in sorted(world.places.values(), key=lambda p: p.name):
            if place.level == AreaLevel.VILLAGE and place.parent_id is not None:
                self.villages[place.parent_id].append(place.id)
        self.officials: dict[int, list[Person]] = defaultdict(list)
        for person in world.people:
            if person.role in OFFICIALS and person.area_id is not None:
                self.officials[person.area_id].append(person)

    def above(self, commune: int) -> list[Person]:
        """The officials of the nearest level above the commune that has any."""
        parent = self.places[commune].parent_id
        while parent is not None and parent in self.places:
            if self.officials.get(parent):
                return self.officials[parent]
            parent = self.places[parent].parent_id
        return []


def _targets(stage: Stage, world: World, tree: _Tree) -> list[tuple[Person, tuple[Item, ...]]]:
    missing = {c: [v for v in vs if (v, stage.period) not in world.reported]
               for c, vs in tree.villages.items()}
    if stage.audience in (Audience.VILLAGE, Audience.REVIEW):
        wanted = {v for vs in (missing if stage.audience is Audience.VILLAGE
                               else tree.villages).values() for v in vs}
        return [(p, (Item(p.area_id),)) for p in world.people
                if p.role is Role.COLLABORATOR and p.area_id in wanted]
    if stage.audience is Audience.COMMUNE:
        return [(p, tuple(Item(v) for v in missing[c])) for c in tree.villages if missing[c]
                for p in tree.officials.get(c, []) if p.role is Role.OFFICER]
    found: dict[int, tuple[Person, list[Item]]] = {}
    for commune, villages in sorted(missing.items(), key=lambda cv: tree.places[cv[0]].name):
        for person in tree.above(commune) if villages else []:
            item = Item(commune, len(villages), len(tree.villages[commune]))
            found.setdefault(person.id, (person, []))[1].append(item)
    return [(person, tuple(items)) for person, items in found.values()]


def compute(cal: Calendar, world: World, now: datetime) -> list[Due]:
    """Every nudge due at ``now``, each with why it goes, waits or does not go."""
    tree, dues = _Tree(world), []
    for stage in stages(cal, now):
        for person, items in _targets(stage, world, tree):
            status, when = status_of(cal, person, now)
            if status is Status.QUIET and when >= stage.end:
                status = Status.TOO_LATE
            dues.append(Due(person.id, stage, items, status, when, person.push))
    return dues


def mark_planned(dues: list[Due], planned: set[str]) -> list[Due]:
    return [replace(d, status=Status.PLANNED) if d.key in planned else d for d in dues]
