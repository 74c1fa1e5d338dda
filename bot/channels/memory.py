"""The test double: drives the real app in process, one user at a time."""

from __future__ import annotations

from datetime import datetime

from bot.base.messages import ConversationKey, Incoming, Location, Outgoing
from bot.core.app import App


class MemoryChannel:
    """``await bot.say("/start")`` returns the replies; ``press`` presses a shown button."""

    name = "memory"

    def __init__(self, app: App, user: str = "nguoidan-demo", language: str | None = None):
        self.app = app
        self.key = ConversationKey(self.name, user, user)
        self.language = language
        self.last: list[Outgoing] = []

    async def say(self, text: str, sent_at: datetime | None = None) -> list[Outgoing]:
        return self._send(Incoming(self.key, text=text, sent_at=sent_at,
                                   language_hint=self.language))

    async def press(self, label: str) -> list[Outgoing]:
        """Press the button with this label among the last replies (as a platform would)."""
        for reply in reversed(self.last):
            for button in reply.buttons:
                if button.label == label:
                    return self._send(Incoming(self.key, callback=button.data,
                                               language_hint=self.language))
        shown = [b.label for r in self.last for b in r.buttons]
        raise LookupError(f"no button {label!r} among {shown}")

    async def send_location(self, latitude: float, longitude: float) -> list[Outgoing]:
        return self._send(Incoming(self.key, location=Location(latitude, longitude)))

    async def send_photo(self, photo_id: str, caption: str = "") -> list[Outgoing]:
        return self._send(Incoming(self.key, text=caption, photo_id=photo_id))

    def _send(self, msg: Incoming) -> list[Outgoing]:
        self.last = self.app.handle(msg)
        return self.last
