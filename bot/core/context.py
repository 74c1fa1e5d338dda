"""What a handler sees of one incoming message: who, where, when, in which language, and the
unit of work it runs in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection
from sqlmodel import Session

from bot.base.i18n import Tr
from bot.base.messages import Button, ConversationKey, Lang, Outgoing, Role
from bot.core import dialog as engine
from bot.core.env import Env
from bot.core.state import DialogState, StateError
from storage.models import User
from storage.repo import Account, Chat, Tx, account_of

if TYPE_CHECKING:
    from bot.core.router import Registry


@dataclass
class Context:
    """One step runs in ``tx`` (handed to the app by its caller); the ORM session and the
    ``User`` object are made only for handlers that ask for them (most steps never do)."""

    tx: Tx
    account: Account
    conv: Chat
    key: ConversationKey
    now: datetime
    registry: Registry
    env: Env
    sent_at: datetime | None = None  # the platform's date of the message (offline phones)
    _user: User | None = field(default=None, repr=False)
    _state: DialogState | None = field(default=None, repr=False)
    _state_read: bool = field(default=False, repr=False)

    @property
    def conn(self) -> Connection:
        return self.tx.conn

    @property
    def session(self) -> Session:
        """An ORM session inside this step's transaction (its commit is the step's)."""
        return self.tx.session

    @property
    def user(self) -> User:
        """The ORM user, for handlers that change it (language, mute) or pass it on."""
        if self._user is None:
            self._user = self.session.get(User, self.account.id)
            assert self._user is not None
        return self._user

    @user.setter
    def user(self, user: User) -> None:  # linking accounts: speak as the linked person
        self._user, self.account = user, account_of(user)

    @property
    def user_id(self) -> int:
        return self.account.id

    @property
    def area_id(self) -> int | None:
        return self._user.area_id if self._user is not None else self.account.area_id

    @property
    def moment(self) -> datetime:
        """When the user sent this message: the platform's date if known, else now."""
        return self.sent_at or self.now

    @property
    def lang(self) -> Lang:
        return Lang(self._user.language if self._user is not None else self.account.language)

    @property
    def role(self) -> Role:
        return Role(self._user.role if self._user is not None else self.account.role)

    @property
    def t(self) -> Tr:
        return Tr(self.lang)

    @property
    def dialog_state(self) -> DialogState | None:
        """The dialog in progress, or None (also when the saved state cannot be read)."""
        if not self._state_read:
            self._state_read = True
            try:
                raw = self.conv.dialog
                self._state = DialogState.from_json(raw) if raw is not None else None
            except StateError:
                self._state = None
        return self._state

    def set_dialog(self, state: DialogState | None) -> None:
        self._state, self._state_read = state, True
        self.conv.dialog = state.to_json() if state is not None else None
        self.conv.updated_at = self.now

    def start_dialog(self, name: str, known: dict[str, Any] | None = None) -> list[Outgoing]:
        result = engine.start(self.registry.dialogs[name], self.now, self.t, known)
        self.set_dialog(result.state)
        return list(result.replies)

    def menu(self) -> tuple[Button, ...]:
        """The buttons of this person's menu (their role's work first)."""
        return self.registry.menu(self.role, self.t)


Handler = Callable[[Context, str], list[Outgoing]]
