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


# What a person sent: one typed value. Channels build them; nothing a person can type is ever
# taken for a button press, a photo or a location (only the platform's own fields are).

@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Press:
    """A button pressed (or its number or exact label typed while it was shown)."""

    data: str


@dataclass(frozen=True)
class Photo:
    """One photo, or an album sent together (one piece of evidence); refs are the platform's
    file ids until the channel has saved the files, then their paths."""

    refs: tuple[str, ...]
    caption: str = ""


@dataclass(frozen=True)
class Voice:
    """A voice note (Telegram voice, Zalo voice_url): evidence like a photo."""

    ref: str
    caption: str = ""


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Unsupported:
    """Something the bot cannot take (a sticker, a document, a video): answered with what it
    can take."""

    kind: str


Input = Text | Press | Photo | Voice | Location | Unsupported
Media = Photo | Voice


def kind_of(value: Input) -> str:
    """A short name of the input's kind, for the message log (never its content)."""
    return "button" if isinstance(value, Press) else type(value).__name__.lower()


@dataclass(frozen=True)
class Incoming:
    """One update from a channel."""

    key: ConversationKey
    content: Input
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
