"""What the outbox sender (and the channel's other platform calls) may hear from a platform:
``send`` one message, or say why not, as one of these typed errors."""

from __future__ import annotations

from typing import Protocol

from storage.models import OutboxMessage


class RetryAfter(Exception):
    """The platform says: too many requests, wait ``seconds``."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = max(0.0, float(seconds))


class Blocked(Exception):
    """Final: the user blocked the bot or deleted the account."""


class Rejected(Exception):
    """Final: the platform refuses this message (bad request); retrying will not help."""


class Transient(Exception):
    """Worth retrying later: the request did not get through (no connection, a server error
    answered)."""


class Unsure(Transient):
    """The request was sent but no answer came (a read timeout, a dropped connection): the
    platform may have the message. Neither Telegram nor Zalo takes an idempotency key, so a
    send that ended so is repeated at most once."""


class Conflict(Exception):
    """409: another consumer takes this bot's updates (a webhook set elsewhere, or a second
    process polling with the same token)."""


class Unauthorized(Exception):
    """The platform rejected the bot's token (wrong or revoked). Never carries the token."""


class Transport(Protocol):
    channel: str

    async def send(self, msg: OutboxMessage) -> str:
        """Send one message; return the platform's message id or raise one of the errors."""
        ...
