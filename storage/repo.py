"""Repositories: the only place above the tables that reads and writes them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, and_, bindparam, insert, update
from sqlmodel import Session, col, select

from bot.messages import ConversationKey, Role
from storage.db import make_engine, migrate
from storage.models import Area, Conversation, Identity, MessageLog, User
from storage.seed import seed_areas


class Store:
    """Owns the engine; hands out one session (one transaction) per unit of work."""

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


# Built once: these run on every message (constructing them costs more than running them).
_USER_BY_ACCOUNT = select(User).join(Identity).where(
    col(Identity.channel) == bindparam("channel"),
    col(Identity.external_id) == bindparam("external_id"))
_CONVERSATION = select(Conversation).where(
    col(Conversation.channel) == bindparam("channel"),
    col(Conversation.chat_id) == bindparam("chat_id"),
    col(Conversation.external_user_id) == bindparam("user_id"))
_CHAT = (  # the user and this chat's state in one round trip
    select(User, Conversation).select_from(Identity)
    .join(User, col(User.id) == col(Identity.user_id))
    .outerjoin(Conversation, and_(col(Conversation.channel) == col(Identity.channel),
                                  col(Conversation.external_user_id) == col(Identity.external_id),
                                  col(Conversation.chat_id) == bindparam("chat_id")))
    .where(col(Identity.channel) == bindparam("channel"),
           col(Identity.external_id) == bindparam("external_id")))
_SAVE_CONVERSATION = (
    update(Conversation.__table__)  # type: ignore[attr-defined]
    .where(Conversation.__table__.c.id == bindparam("conv_id"),  # type: ignore[attr-defined]
           Conversation.__table__.c.version == bindparam("seen"))  # type: ignore[attr-defined]
    .values(dialog=bindparam("dialog"), buttons=bindparam("buttons"),
            updated_at=bindparam("updated_at"), version=bindparam("next")))

_LOG = insert(MessageLog.__table__)  # type: ignore[attr-defined]


def log_exchange(session: Session, **fields: object) -> None:
    """One row per incoming message: what happened, never what was said."""
    session.connection().execute(_LOG, fields)


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


def load_chat(session: Session, key: ConversationKey, language: str
              ) -> tuple[User, Conversation]:
    """``user_for`` and ``conversation_for`` together: one query on the usual path."""
    row = session.exec(_CHAT, params={
        "channel": key.channel, "external_id": key.user_id, "chat_id": key.chat_id}).first()
    if row is None or row[1] is None:
        return user_for(session, key, language), conversation_for(session, key)
    user, conv = row
    session.expunge(conv)
    return user, conv


def conversation_for(session: Session, key: ConversationKey) -> Conversation:
    """The chat's state, detached from the session: it is written back only by
    ``save_conversation``, with its version checked."""
    found = session.exec(_CONVERSATION, params={
        "channel": key.channel, "chat_id": key.chat_id, "user_id": key.user_id}).first()
    if found is None:
        found = Conversation(channel=key.channel, chat_id=key.chat_id,
                             external_user_id=key.user_id)
        session.add(found)
        session.flush()
    session.expunge(found)
    return found


def designations(session: Session, area_id: int | None) -> list[str]:
    """Programme designations of an area and its parents (poor district, coastal commune)."""
    return sorted({d for area in area_path(session, area_id) for d in area.designations})


def area_path(session: Session, area_id: int | None) -> list[Area]:
    """From the area up to the province (2 or 3 levels above a village)."""
    path: list[Area] = []
    while area_id is not None:
        area = session.get(Area, area_id)
        if area is None:
            break
        path.append(area)
        area_id = area.parent_id
    return path


class ConcurrentUpdate(Exception):
    """Someone else changed this conversation since it was read: redo the step."""


class StorageUnavailable(Exception):
    """The database cannot be reached or written: nothing was saved, try again later."""


def save_conversation(session: Session, conv: Conversation) -> None:
    """Write the chat's state back if it is still at the version that was read (optimistic
    concurrency): the dialog state and the step's effects commit together or not at all."""
    result = session.connection().execute(_SAVE_CONVERSATION, {
        "conv_id": conv.id, "seen": conv.version, "dialog": conv.dialog,
        "buttons": conv.buttons, "updated_at": conv.updated_at, "next": conv.version + 1})
    if result.rowcount != 1:
        raise ConcurrentUpdate(str(conv.id))
    conv.version += 1
