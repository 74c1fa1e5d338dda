"""The test double: drives the real app in process, one user at a time."""

from __future__ import annotations

from datetime import datetime

from bot.base.messages import (
    ConversationKey,
    Incoming,
    Input,
    Location,
    Outgoing,
    Photo,
    Press,
    Text,
    Voice,
)
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
        return self._send(Text(text), sent_at)

    async def press(self, label: str) -> list[Outgoing]:
        """Press the button with this label among the last replies (as a platform would)."""
        for reply in reversed(self.last):
            for button in reply.buttons:
                if button.label == label:
                    return self._send(Press(button.data))
        shown = [b.label for r in self.last for b in r.buttons]
        raise LookupError(f"no button {label!r} among {shown}")

    async def send_location(self, latitude: float, longitude: float) -> list[Outgoing]:
        return self._send(Location(latitude, longitude))

    async def send_photo(self, *photo_ids: str, caption: str = "") -> list[Outgoing]:
        return self._send(Photo(photo_ids, caption))

    async def send_voice(self, ref: str) -> list[Outgoing]:
        return self._send(Voice(ref))

    async def send(self, content: Input) -> list[Outgoing]:
        return self._send(content)

    def _send(self, content: Input, sent_at: datetime | None = None) -> list[Outgoing]:
        self.last = self.app.handle(Incoming(self.key, content, sent_at=sent_at,
                                             language_hint=self.language))
        return self.last
