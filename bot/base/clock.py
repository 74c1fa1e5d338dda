"""Time: the one wall clock (UTC, aware) and the programme's local time zone.

Time comes from an injected clock everywhere; ``utcnow`` is the default one. The local zone
(``GIAMNGHEO_TIMEZONE``) is set once by the composition root (``use_zone``) and read by
whatever shows or buckets local dates: translations, report periods, the reminder calendar.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Ho_Chi_Minh"
Clock = Callable[[], datetime]
_zone = ZoneInfo(DEFAULT_ZONE)


def utcnow() -> datetime:
    """The one wall clock of the project (UTC, aware); tests inject their own clocks."""
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """A time read back without an offset (SQLite stores none) is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def use_zone(name: str) -> None:
    """Set the local time zone of this process (an IANA name; unknown names raise)."""
    global _zone
    _zone = ZoneInfo(name)


def local_zone() -> ZoneInfo:
    return _zone


def local(moment: datetime) -> datetime:
    """``moment`` in the programme's local time."""
    return aware(moment).astimezone(_zone)
