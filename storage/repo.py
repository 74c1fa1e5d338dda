"""Repositories: the only place above the tables that reads and writes them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Row, and_, bindparam, insert, literal, update
from sqlalchemy import select as core_select
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from bot.base.clock import utcnow
from bot.base.messages import ConversationKey, Role
from storage.db import Prepared, make_engine, migrate
from storage.models import Area, Conversation, Identity, MessageLog, User
from storage.seed import seed_areas

log = logging.getLogger("giamngheo.storage")
T = TypeVar("T")
ATTEMPTS = 3  # a unit of work raced by another process is redone this often


class ConcurrentUpdate(Exception):
    """Someone else changed this conversation since it was read: redo the step."""


class StorageUnavailable(Exception):
    """The database cannot be reached or written: nothing was saved, try again later."""


class Busy(Exception):
    """A unit of work was raced every time it was tried; nothing of it was saved."""


@dataclass
class Tx:
    """One unit of work: its transaction's connection, and an ORM session on that connection
    made only when first asked for (its writes are flushed before the transaction commits)."""

    conn: Connection
    _session: Session | None = field(default=None, repr=False)

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = Session(bind=self.conn, expire_on_commit=False,
                                    join_transaction_mode="rollback_only")
        return self._session

    def flush(self) -> None:
        if self._session is not None:
            self._session.flush()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()


class Store:
    """Owns the engine; hands out one transaction per unit of work."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str, demo: bool = True) -> Store:
        engine = make_engine(url)
        migrate(engine)
        store = cls(engine)
        with store.session() as session:
            seed_areas(session, demo)
        return store

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One transaction on a Core connection."""
        with self.engine.begin() as conn:
            yield conn

    def run(self, work: Callable[[Tx], T], what: object = "") -> T:
        """``work`` in a fresh transaction, committed when it returns. A ``ConcurrentUpdate``
        rolls it back and runs it again in a new transaction (this is the one place that
        redoes work); a database that cannot be used raises ``StorageUnavailable``."""
        for attempt in range(ATTEMPTS):
            try:
                with self.engine.begin() as conn:
                    tx = Tx(conn)
                    try:
                        result = work(tx)
                        tx.flush()
                    finally:
                        tx.close()
                    return result
            except ConcurrentUpdate:
                log.info("%s changed meanwhile; redone (%d)", what, attempt + 1)
            except OperationalError as err:
                log.warning("storage unavailable for %s: %s", what, type(err.orig).__name__)
                raise StorageUnavailable(type(err.orig).__name__) from None
        raise Busy(str(what))


@dataclass
class Account:
    """Who wrote: the user's row as read with the chat (handlers load the ORM ``User`` only
    when they change it or need more)."""

    id: int
    role: str
    language: str
    area_id: int | None


@dataclass
class Chat:
    """Durable state of one chat, read without the ORM; written back only by
    ``save_conversation``, with its version checked."""

    id: int
    dialog: dict[str, Any] | None
    buttons: list[list[Any]]
    version: int
    updated_at: datetime


_USER = User.__table__  # type: ignore[attr-defined]
_CONV = Conversation.__table__  # type: ignore[attr-defined]
_IDENTITY = Identity.__table__  # type: ignore[attr-defined]

# Built once: these run on every message (constructing them costs more than running them).
_USER_BY_ACCOUNT = select(User).join(Identity).where(
    col(Identity.channel) == bindparam("channel"),
    col(Identity.external_id) == bindparam("external_id"))
_CHAT = Prepared(  # the user and this chat's state in one round trip, no ORM objects
    core_select(_USER.c.id, _USER.c.role, _USER.c.language, _USER.c.area_id, _CONV.c.id,
                _CONV.c.dialog, _CONV.c.buttons, _CONV.c.version, _CONV.c.updated_at)
    .select_from(_IDENTITY)
    .join(_USER, _USER.c.id == _IDENTITY.c.user_id)
    .outerjoin(_CONV, and_(_CONV.c.channel == _IDENTITY.c.channel,
                           _CONV.c.external_user_id == _IDENTITY.c.external_id,
                           _CONV.c.chat_id == bindparam("chat_id")))
    .where(_IDENTITY.c.channel == bindparam("channel"),
           _IDENTITY.c.external_id == bindparam("external_id")))
_SAVE_CONVERSATION = Prepared(
    update(_CONV)
    .where(_CONV.c.id == bindparam("conv_id"), _CONV.c.version == bindparam("seen"))
    .values(dialog=bindparam("dialog"), buttons=bindparam("buttons"),
            updated_at=bindparam("updated_at"), version=bindparam("next")))

_NEW_CHAT = insert(_CONV).values(dialog=None, buttons=[], version=0).returning(_CONV.c.id)
_LOG_FIELDS = ("at", "channel", "user_id", "direction", "kind", "command", "dialog", "step",
               "length")
_LOG = Prepared(insert(MessageLog.__table__)  # type: ignore[attr-defined]
                .values({name: bindparam(name) for name in _LOG_FIELDS}))


def log_exchange(conn: Connection, **fields: object) -> None:
    """One row per incoming message: what happened, never what was said."""
    _LOG.run(conn, fields)


def user_for(session: Session, key: ConversationKey, language: str) -> User:
    """The user behind a platform account; a new account is a new citizen."""
    found = session.exec(_USER_BY_ACCOUNT, params={
        "channel": key.channel, "external_id": key.user_id}).first()
    if found is not None:
        return found
    user = User(role=Role.CITIZEN, language=language)
    session.add(user)
    session.flush()
    assert user.id is not None
    session.add(Identity(channel=key.channel, external_id=key.user_id, user_id=user.id))
    session.flush()
    return user


def account_of(user: User) -> Account:
    assert user.id is not None
    return Account(user.id, user.role, user.language, user.area_id)


def load_chat(conn: Connection, key: ConversationKey, language: str) -> tuple[Account, Chat]:
    """The account and this chat's state: one Core query on the usual path; a new chat is
    added in the same transaction (a new account too, with the ORM: once per person)."""
    row = _CHAT.first(conn, {
        "channel": key.channel, "external_id": key.user_id, "chat_id": key.chat_id})
    if row is not None and row[4] is not None:
        return (Account(row[0], row[1], row[2], row[3]),
                Chat(row[4], row[5], row[6], row[7], row[8]))
    if row is None:
        with Session(bind=conn, join_transaction_mode="rollback_only") as session:
            account = account_of(user_for(session, key, language))
    else:
        account = Account(row[0], row[1], row[2], row[3])
    now = utcnow()
    made = conn.execute(_NEW_CHAT, {"channel": key.channel, "chat_id": key.chat_id,
                                    "external_user_id": key.user_id, "updated_at": now})
    return account, Chat(made.scalar_one(), None, [], 0, now)


_AREA = Area.__table__  # type: ignore[attr-defined]
_UP = (core_select(_AREA.c.id, _AREA.c.parent_id, literal(0).label("depth"))
       .where(_AREA.c.id == bindparam("area_id")).cte("up", recursive=True))
_UP = _UP.union_all(core_select(_AREA.c.id, _AREA.c.parent_id, _UP.c.depth + 1)
                    .where(_AREA.c.id == _UP.c.parent_id, _UP.c.depth < 8))
_PATH = core_select(_AREA).join(_UP, _UP.c.id == _AREA.c.id).order_by(_UP.c.depth)


def area_path(conn: Connection, area_id: int | None) -> list[Row[Any]]:
    """From the area up to the province (2 or 3 levels above a village), in one query;
    rows of the area table (``.id``, ``.name``, ``.level``, ``.designations``...)."""
    if area_id is None:
        return []
    return list(conn.execute(_PATH, {"area_id": area_id}).all())


def designations_of(path: list[Row[Any]]) -> list[str]:
    """Programme designations of an area and its parents (poor district, coastal commune)."""
    return sorted({d for area in path for d in area.designations})


def designations(conn: Connection, area_id: int | None) -> list[str]:
    return designations_of(area_path(conn, area_id))


def save_conversation(conn: Connection, conv: Chat) -> None:
    """Write the chat's state back if it is still at the version that was read (optimistic
    concurrency): the dialog state and the step's effects commit together or not at all."""
    changed = _SAVE_CONVERSATION.run(conn, {
        "conv_id": conv.id, "seen": conv.version, "dialog": conv.dialog,
        "buttons": conv.buttons, "updated_at": conv.updated_at, "next": conv.version + 1})
    if changed != 1:
        raise ConcurrentUpdate(str(conv.id))
    conv.version += 1
