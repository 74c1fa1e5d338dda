"""What a handler sees of one incoming message: who, where, when, in which language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from bot import dialog as engine
from bot.i18n import Tr
from bot.messages import ConversationKey, Lang, Outgoing, Role
from storage.models import Conversation, User

if TYPE_CHECKING:
    from bot.router import Registry


@dataclass
class Context:
    session: Session
    user: User
    conv: Conversation
    key: ConversationKey
    now: datetime
    registry: Registry
    sent_at: datetime | None = None  # the platform's date of the message (offline phones)

    @property
    def moment(self) -> datetime:
        """When the user sent this message: the platform's date if known, else now."""
        return self.sent_at or self.now

    @property
    def lang(self) -> Lang:
        return Lang(self.user.language)

    @property
    def role(self) -> Role:
        return Role(self.user.role)

    @property
    def t(self) -> Tr:
        return Tr(self.lang)

    @property
    def dialog_state(self) -> dict[str, Any] | None:
        return self.conv.dialog

    def set_dialog(self, state: dict[str, Any] | None) -> None:
        self.conv.dialog = state
        self.conv.updated_at = self.now

    def start_dialog(self, name: str, known: dict[str, Any] | None = None) -> list[Outgoing]:
        result = engine.start(self.registry.dialogs[name], self.now, self.t, known)
        self.set_dialog(result.state)
        return list(result.replies)


Handler = Callable[[Context, str], list[Outgoing]]
