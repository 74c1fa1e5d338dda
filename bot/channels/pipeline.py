"""Inbound updates, processed once; replies into the outbox. SDK-free.

store → acknowledge → process → done. An update is stored (unique per channel and update
id) before the platform hears it was received. Processing runs ``App.handle`` inside the
same transaction that marks the update done and queues the replies (priority 0), so a crash
leaves either nothing or all of it, and a redelivered update has no second effect.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection
from sqlmodel import Session

from bot.base.clock import utcnow
from bot.base.i18n import parse_lang
from bot.base.messages import Incoming, Lang, Outgoing, Role
from bot.channels.common import command_menu
from bot.core.app import App
from scheduler import post
from scheduler.outbox import Sender, Transport
from scheduler.render import Payload, Profile
from storage import delivery
from storage.repo import Store, user_for

log = logging.getLogger("giamngheo.channels")
T = TypeVar("T")
KEEP_DONE = timedelta(days=7)  # processed update ids are remembered this long (redeliveries)
MAX_ATTEMPTS = 5  # an update that fails this often is set aside (logged), not retried forever


@dataclass(frozen=True)
class RawUpdate:
    update_id: str
    payload: Payload


class Platform(Transport, Protocol):
    """What an adapter provides; each method translates, nothing else."""

    channel: str
    profile: Profile
    secret_header: str

    async def start(self) -> None: ...
    async def close(self) -> None: ...
    async def poll(self, offset: int | None, timeout: int) -> list[RawUpdate]: ...
    def next_offset(self, batch: list[RawUpdate], offset: int | None) -> int | None: ...
    def from_webhook(self, body: Payload) -> RawUpdate | None: ...
    async def set_webhook(self, url: str, secret: str) -> None: ...
    async def delete_webhook(self) -> None: ...
    def incoming(self, update: RawUpdate) -> Incoming | None: ...
    def echo(self, update: RawUpdate) -> Payload | None: ...
    async def acknowledge(self, update: RawUpdate) -> None: ...
    async def download(self, ref: str) -> bytes: ...
    async def set_commands(self, menu: list[tuple[str, str]], chat_id: str | None,
                           language: str | None) -> None: ...


class AmbientStore(Store):
    """``session()`` and ``begin()`` join the transaction opened by ``transaction()`` in this
    thread, so ``App.handle`` commits together with the outbox rows and the update's "done" mark."""

    def __init__(self, engine: Any) -> None:
        super().__init__(engine)
        self._local = threading.local()

    @contextmanager
    def session(self) -> Iterator[Session]:
        yield from self._joined(super().session, lambda outer: outer)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        yield from self._joined(super().begin, lambda outer: outer.connection())

    def _joined(self, own: Callable[[], AbstractContextManager[T]],
                part: Callable[[Session], T]) -> Iterator[T]:
        """Inside ``transaction()``: ``part`` of its session, a failure marked; else ``own``."""
        outer = getattr(self._local, "session", None)
        if outer is None:
            with own() as mine:
                yield mine
            return
        try:
            yield part(outer)
        except BaseException:
            self._local.failed = True
            raise

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with super().session() as session:
            self._local.session, self._local.failed = session, False
            try:
                yield session
            finally:
                self._local.session = None

    @property
    def failed(self) -> bool:
        return bool(getattr(self._local, "failed", False))


class _HandlerFailed(Exception):
    def __init__(self, replies: list[Outgoing]) -> None:
        super().__init__("handler failed")
        self.replies = replies


Clock = Callable[[], datetime]


class Pipeline:
    def __init__(self, app: App, platform: Platform, sender: Sender | None = None, *,
                 media_dir: Path | None = None, clock: Clock = utcnow,
                 on_queued: Callable[[str], None] | None = None) -> None:
        if not isinstance(app.store, AmbientStore):
            app.store = AmbientStore(app.store.engine)
        self.app, self.platform, self.sender = app, platform, sender
        self.store: AmbientStore = app.store
        self.media_dir, self.clock, self.on_queued = media_dir, clock, on_queued
        self.menus: dict[str, tuple[Role, Lang]] = {}
        self.wake = asyncio.Event()
        self.stopping = False

    async def ingest(self, updates: list[RawUpdate]) -> list[RawUpdate]:
        """Store updates (raises if the database cannot); then acknowledge the new ones."""
        pairs = [(u.update_id, u.payload) for u in updates]
        new = set(await asyncio.to_thread(self._store, pairs))
        fresh = [u for u in updates if u.update_id in new]
        if fresh:
            self.wake.set()
        for update in fresh:
            try:
                await self.platform.acknowledge(update)
            except Exception as exc:  # the press spins a little longer; nothing is lost
                log.warning("acknowledging an update failed: %s", type(exc).__name__)
        return fresh

    def _store(self, pairs: list[tuple[str, Payload]]) -> list[str]:
        with self.store.session() as session:
            return delivery.store_inbound(session, self.platform.channel, pairs, self.clock())

    async def run(self) -> None:
        """Process stored updates until stopped (also those left by a previous run)."""
        last_purge = datetime.min.replace(tzinfo=UTC)
        while not self.stopping:
            self.wake.clear()
            try:
                done = await self.process_pending()
                if self.clock() - last_purge > timedelta(hours=1):
                    last_purge = self.clock()
                    await asyncio.to_thread(self._purge)
            except Exception as exc:  # the database may be away: nothing is lost, try later
                log.warning("processing updates failed: %s", type(exc).__name__)
                done = 0
            if not done:
                with suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), timeout=1.0)

    def _purge(self) -> None:
        with self.store.session() as session:
            delivery.purge_inbound(session, self.clock() - KEEP_DONE)

    async def process_pending(self) -> int:
        def pending() -> list[tuple[int, int, str, Payload]]:
            with self.store.session() as session:
                rows = delivery.pending_inbound(session, self.platform.channel)
                return [(r.id or 0, r.attempts, r.update_id, dict(r.payload)) for r in rows]

        rows = await asyncio.to_thread(pending)
        for row_id, attempts, update_id, payload in rows:
            if attempts >= MAX_ATTEMPTS:
                log.error("update %s set aside after %d failed attempts", row_id, attempts)
                await asyncio.to_thread(self._handle, row_id, None, None)
                continue
            await self.process(row_id, RawUpdate(update_id, payload))
        return len(rows)

    async def process(self, row_id: int, update: RawUpdate) -> None:
        msg = self.platform.incoming(update)
        if msg is not None and msg.photo_id:
            msg = await self._with_photo(msg)
        echo = self.platform.echo(update) if msg is not None else None
        try:
            menu = await asyncio.to_thread(self._handle, row_id, msg, echo)
        except Exception:
            await asyncio.to_thread(self._note_attempt, row_id)
            raise
        if msg is None or menu is None:
            return
        if self.sender is not None:
            self.sender.notify(reply=True)
        if self.on_queued is not None:
            self.on_queued(update.update_id)
        await self._update_menu(msg, *menu)

    def _note_attempt(self, row_id: int) -> None:
        with self.store.session() as session:
            delivery.note_attempt(session, row_id)

    def _handle(self, row_id: int, msg: Incoming | None,
                echo: Payload | None) -> tuple[Role, Lang] | None:
        try:
            return self._transaction(row_id, msg, echo, None)
        except _HandlerFailed as failed:  # roll back the handler's half-work, keep the apology
            return self._transaction(row_id, msg, None, failed.replies)

    def _transaction(self, row_id: int, msg: Incoming | None, echo: Payload | None,
                     replies: list[Outgoing] | None) -> tuple[Role, Lang] | None:
        now = self.clock()
        with self.store.transaction() as session:
            if not delivery.finish_inbound(session, row_id, now) or msg is None:
                return None  # done by another worker, or nothing the bot answers
            if replies is None:
                replies = self.app.handle(msg)
                if self.store.failed:
                    raise _HandlerFailed(replies)
            user = user_for(session, msg.key, parse_lang(msg.language_hint).value)
            lang = Lang(user.language)
            assert user.id is not None
            post.replies(session, self.platform.channel, msg.key.chat_id, user.id, lang,
                         replies, now, [echo] if echo else [])
            return Role(user.role), lang

    async def _with_photo(self, msg: Incoming) -> Incoming:
        """Save the photo under the media directory; the core gets its path."""
        assert msg.photo_id is not None
        if self.media_dir is None:
            return msg
        name = hashlib.sha256(msg.photo_id.encode()).hexdigest()[:24] + ".jpg"
        path = self.media_dir / self.platform.channel / name
        try:
            if not path.exists():
                data = await self.platform.download(msg.photo_id)
                await asyncio.to_thread(_write, path, data)
        except Exception as exc:  # keep the platform's id; the report still has its photo
            log.warning("photo download failed: %s", type(exc).__name__)
            return msg
        return replace(msg, photo_id=str(path))

    async def _update_menu(self, msg: Incoming, role: Role, lang: Lang) -> None:
        """The command menu of this chat follows the user's role and language."""
        chat = msg.key.chat_id
        if self.menus.get(chat) == (role, lang):
            return
        first = chat not in self.menus
        self.menus[chat] = (role, lang)
        if first and role is Role.CITIZEN and lang is parse_lang(msg.language_hint):
            return  # the default menu already fits
        menu = command_menu(self.app.registry.commands, role, lang)
        try:
            await self.platform.set_commands(menu, chat, None)
        except Exception as exc:
            log.warning("setting the chat's command menu failed: %s", type(exc).__name__)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(path)
