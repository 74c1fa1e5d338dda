"""SQLModel tables. Enums are stored as short strings; personal data is kept to a minimum."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, String, UniqueConstraint, event
from sqlmodel import Field, SQLModel

from bot.base.clock import utcnow
from storage.names import fold_name, name_key_default


class AreaLevel(StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"
    VILLAGE = "village"


class Area(SQLModel, table=True):
    """A unit of the administrative tree in one ``epoch`` (a dated list of units: "2023",
    "2025-01", "2025-07"); three levels before 1 July 2025, two since.

    A code is an identity only together with its epoch: the reform reused old codes for
    differently named units. ``kind`` is the unit's own word (xã, phường, thị trấn, huyện,
    thành phố, tỉnh, thôn). A rename keeps the old name in ``former_names``; a merge or split
    closes the unit (``valid_to``) and ``storage.lineage.AreaLineage`` links it to the units
    that took it over, so records made under the old unit keep their unit and epoch.
    """

    __table_args__ = (UniqueConstraint("epoch", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    epoch: str = Field(default="2023", sa_type=String(8), index=True)
    code: str = Field(sa_type=String(32), index=True)
    name: str = Field(sa_type=String(200))
    kind: str = Field(default="", sa_type=String(16))
    level: str = Field(sa_type=String(16))
    parent_id: int | None = Field(default=None, foreign_key="area.id", index=True)
    is_demo: bool = False
    designations: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    former_names: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    valid_from: date | None = None
    valid_to: date | None = None


class User(SQLModel, table=True):
    """A person using the bot, on one or more channels (see Identity)."""

    id: int | None = Field(default=None, primary_key=True)
    role: str = Field(default="citizen", sa_type=String(16))
    area_id: int | None = Field(default=None, foreign_key="area.id", index=True)
    language: str = Field(default="vi", sa_type=String(8))
    handle: str | None = Field(default=None, sa_type=String(64), unique=True)  # demo/admin name
    muted: bool = False
    reachable: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class Identity(SQLModel, table=True):
    """One platform account (channel + the platform's user id) bound to a user."""

    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(sa_type=String(32))
    external_id: str = Field(sa_type=String(128))
    user_id: int = Field(foreign_key="user.id", index=True)


class Conversation(SQLModel, table=True):
    """Durable state of one chat: the dialog in progress and the buttons last shown."""

    __table_args__ = (UniqueConstraint("channel", "chat_id", "external_user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(sa_type=String(32))
    chat_id: str = Field(sa_type=String(128))
    external_user_id: str = Field(sa_type=String(128))
    dialog: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    buttons: list[list[Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    version: int = 0
    updated_at: datetime = Field(default_factory=utcnow)


class MessageLog(SQLModel, table=True):
    """What happened, never what was said: no text, names, phone or ID numbers."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    channel: str = Field(sa_type=String(32))
    user_id: int | None = Field(default=None, index=True)
    direction: str = Field(sa_type=String(3))  # "in" / "out"
    kind: str = Field(sa_type=String(16))  # command, text, button, photo, location, reply
    command: str | None = Field(default=None, sa_type=String(32))
    dialog: str | None = Field(default=None, sa_type=String(32))
    step: str | None = Field(default=None, sa_type=String(32))
    length: int = 0


class QuestionStatus(StrEnum):
    DRAFT = "draft"  # the bot was unsure; kept until the citizen passes it on (or a day)
    OPEN = "open"
    ANSWERED = "answered"


class CitizenQuestion(SQLModel, table=True):
    """A question the bot could not answer, passed to the officers of the citizen's commune."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    area_id: int | None = Field(default=None, foreign_key="area.id", index=True)
    text: str = Field(sa_type=String(1000))
    status: str = Field(default=QuestionStatus.OPEN, sa_type=String(16), index=True)
    created_at: datetime = Field(default_factory=utcnow)
    answer: str | None = Field(default=None, sa_type=String(2000))
    answered_by: int | None = Field(default=None, foreign_key="user.id")
    answered_at: datetime | None = None
    delivered_at: datetime | None = None  # when the citizen was told


class SavedAssessment(SQLModel, table=True):
    """A self-assessment the citizen chose to keep (indicative, not the official status)."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    standard_id: str = Field(sa_type=String(32))
    status: str = Field(sa_type=String(16))
    deprived: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    missing: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class UpdateStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    SET_ASIDE = "set_aside"  # could not be read or kept failing: kept for an officer to see


class InboundUpdate(SQLModel, table=True):
    """An update from a platform, stored before it is acknowledged and processed once."""

    __table_args__ = (UniqueConstraint("channel", "update_id"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(sa_type=String(32))
    update_id: str = Field(sa_type=String(128))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=UpdateStatus.PENDING, sa_type=String(16), index=True)
    attempts: int = 0
    received_at: datetime = Field(default_factory=utcnow)
    processed_at: datetime | None = None
    chat_id: str | None = Field(default=None, sa_type=String(128))  # the chat's order
    group_key: str | None = Field(default=None, sa_type=String(160), index=True)  # an album
    hold_until: datetime | None = None  # an album is processed once it has been quiet
    reason: str | None = Field(default=None, sa_type=String(300))  # why it was set aside


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # final: e.g. the user blocked the bot


class OutboxMessage(SQLModel, table=True):
    """Every push is written here before it is sent; one sender claims it (with a lease).

    ``priority`` 0 is a reply to a user (never waits behind a broadcast), 1 a notification,
    2 a reminder or broadcast. ``dedup_key`` (e.g. reminder:user:period) makes planning
    the same push twice impossible.
    """

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(sa_type=String(32))
    chat_id: str = Field(sa_type=String(128))
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    priority: int = Field(default=1, index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    dedup_key: str | None = Field(default=None, sa_type=String(200), unique=True)
    status: str = Field(default=OutboxStatus.PENDING, sa_type=String(16), index=True)
    attempts: int = 0
    uncertain: int = 0  # sends that may have reached the platform unanswered (at most 1 repeat)
    not_before: datetime = Field(default_factory=utcnow, index=True)
    claimed_by: str | None = Field(default=None, sa_type=String(64))
    claimed_until: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
    platform_message_id: str | None = Field(default=None, sa_type=String(64))
    last_error: str | None = Field(default=None, sa_type=String(300))


class ChannelPause(SQLModel, table=True):
    """A platform said "too many requests": every sender of that channel waits until then."""

    channel: str = Field(sa_type=String(32), primary_key=True)
    paused_until: datetime


class LinkCode(SQLModel, table=True):
    """A one-time code that links a second platform account to the same user."""

    code: str = Field(sa_type=String(16), primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    expires_at: datetime
    used_at: datetime | None = None


class Invite(SQLModel, table=True):
    """A single-use, expiring code that binds whoever opens the bot with it to a role and area."""

    code: str = Field(sa_type=String(16), primary_key=True)
    role: str = Field(sa_type=String(16))
    area_id: int = Field(foreign_key="area.id")
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
    used_by: int | None = Field(default=None, foreign_key="user.id")


class Report(SQLModel, table=True):
    """A village's progress report for one project and period; its content is versioned."""

    __table_args__ = (UniqueConstraint("area_id", "project", "period"),)
    id: int | None = Field(default=None, primary_key=True)
    receipt: str = Field(sa_type=String(16), unique=True, index=True)
    area_id: int = Field(foreign_key="area.id", index=True)
    project: str = Field(sa_type=String(16))  # plan section id, or "*" for "no change"
    period: str = Field(sa_type=String(7), index=True)  # YYYY-MM, local time of sending
    created_by: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime = Field(default_factory=utcnow)
    version: int = 1
    # a "no change" report that a real report of the same village and month replaced:
    # kept (nothing confirmed is lost) but no longer counted
    withdrawn_at: datetime | None = None


class ReportVersion(SQLModel, table=True):
    """Every saved or corrected content of a report, with who and when."""

    __table_args__ = (UniqueConstraint("report_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True)
    version: int
    values: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    no_change: bool = False
    note: str | None = Field(default=None, sa_type=String(1000))
    # photos and voice notes: [{"kind": "photo"|"voice", "refs": [...]}] (an album is one)
    evidence: list[dict[str, Any]] = Field(default_factory=list,
                                           sa_column=Column(JSON, nullable=False))
    latitude: float | None = None
    longitude: float | None = None
    author_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class Household(SQLModel, table=True):
    """A household of the village register (only what the annual review needs)."""

    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="area.id", index=True)
    head_name: str = Field(sa_type=String(120))
    name_key: str | None = Field(default=None, sa_column=Column(  # accent-free, for search
        String(120), nullable=False, default=name_key_default))
    members: int | None = None
    status: str | None = Field(default=None, sa_type=String(16), index=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


@event.listens_for(Household, "before_update")
def _rekey(_mapper: Any, _conn: Any, household: Household) -> None:
    """A corrected name is found by its new spelling."""
    household.name_key = fold_name(household.head_name)


class UpdateDecision(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class HouseholdUpdate(SQLModel, table=True):
    """A collaborator's proposed change; the register changes only when an officer approves."""

    id: int | None = Field(default=None, primary_key=True)
    household_id: int | None = Field(default=None, foreign_key="household.id", index=True)
    area_id: int = Field(foreign_key="area.id", index=True)
    event: str = Field(sa_type=String(24))
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    indicated_status: str | None = Field(default=None, sa_type=String(16))
    standard_id: str | None = Field(default=None, sa_type=String(32))
    decision: str = Field(default=UpdateDecision.PENDING, sa_type=String(16), index=True)
    submitted_by: int = Field(foreign_key="user.id")
    submitted_at: datetime = Field(default_factory=utcnow)
    decided_by: int | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = None
    reason: str | None = Field(default=None, sa_type=String(500))


class Consent(SQLModel, table=True):
    """A person accepted the personal-data notice for one purpose, at this time, in this
    wording (``storage.personal``)."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    purpose: str = Field(sa_type=String(16))
    notice: str = Field(sa_type=String(16))
    accepted_at: datetime = Field(default_factory=utcnow)
