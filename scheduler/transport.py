"""What the outbox sender needs from a platform: ``send`` one message, or say why not."""

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
    """Worth retrying later: network trouble, a timeout, a server error."""


class Transport(Protocol):
    channel: str

    async def send(self, msg: OutboxMessage) -> str:
        """Send one message; return the platform's message id or raise one of the errors."""
        ...
