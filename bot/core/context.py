"""What a handler sees of one incoming message: who, where, when, in which language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection
from sqlmodel import Session

from bot.base.i18n import Tr
from bot.base.messages import ConversationKey, Lang, Outgoing, Role
from bot.core import dialog as engine
from storage.models import User
from storage.repo import Account, Chat, account_of

if TYPE_CHECKING:
    from bot.core.router import Registry


@dataclass
class Context:
    """One step's transaction is ``conn``; the ORM session and the ``User`` object are made
    only for handlers that ask for them (most dialog steps never do)."""

    conn: Connection
    account: Account
    conv: Chat
    key: ConversationKey
    now: datetime
    registry: Registry
    sent_at: datetime | None = None  # the platform's date of the message (offline phones)
    _session: Session | None = field(default=None, repr=False)
    _user: User | None = field(default=None, repr=False)

    @property
    def session(self) -> Session:
        """An ORM session inside this step's transaction (its commit is the step's)."""
        if self._session is None:
            self._session = Session(bind=self.conn, expire_on_commit=False,
                                    join_transaction_mode="rollback_only")
        return self._session

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

    def finish(self) -> None:
        """Write what handlers added through the ORM session (before the step commits)."""
        if self._session is not None:
            self._session.flush()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()

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
