"""Message types exchanged between channels and the core (frozen, channel-agnostic)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    CITIZEN = "citizen"
    COLLABORATOR = "collaborator"
    OFFICER = "officer"
    ADMIN = "admin"


class Lang(StrEnum):
    VI = "vi"
    EN = "en"


@dataclass(frozen=True)
class ConversationKey:
    """Who is talking where: one private chat of one platform account."""

    channel: str
    chat_id: str
    user_id: str

    def __str__(self) -> str:  # safe for logs: platform ids only, never names
        return f"{self.channel}:{self.chat_id}:{self.user_id}"


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Incoming:
    """One update from a channel: text, a button press, a photo or a location."""

    key: ConversationKey
    text: str = ""
    callback: str | None = None  # button data when a button was pressed
    photo_id: str | None = None
    location: Location | None = None
    sent_at: datetime | None = None  # the platform's date of the message (offline phones)
    update_id: str | None = None
    language_hint: str | None = None  # the platform's language code, if any
    display_name: str | None = None  # never logged


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # an id, never a label: Telegram allows 64 bytes


@dataclass(frozen=True)
class Outgoing:
    """One reply; buttons are rendered natively or as numbered lines by the channel."""

    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)
    numbered: bool = True  # False: the step expects typed text; buttons go by label only
    image_path: str | None = None
    document_path: str | None = None
