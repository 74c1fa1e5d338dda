"""Inbound updates, processed once; replies into the outbox. SDK-free.

store → acknowledge → process → done. An update is stored (unique per channel and update
id) before the platform hears it was received. Processing is one unit of work
(``Store.run``): ``App.step`` runs in the transaction that also marks the update done and
queues the replies, so a crash leaves either nothing or all of it, a redelivered update has
no second effect, and a step raced by another process is redone whole, in a new transaction.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from bot.base.clock import utcnow
from bot.base.i18n import parse_lang, t
from bot.base.messages import Incoming, Lang, Outgoing, Photo, Role
from bot.channels.common import command_menu
from bot.core.app import App, HandlerFailed
from scheduler import post
from scheduler.outbox import Sender, Transport
from scheduler.render import Payload, Profile
from storage import delivery
from storage.repo import Busy, Tx, user_for

log = logging.getLogger("giamngheo.channels")
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


Clock = Callable[[], datetime]


class Pipeline:
    def __init__(self, app: App, platform: Platform, sender: Sender | None = None, *,
                 media_dir: Path | None = None, clock: Clock = utcnow,
                 on_queued: Callable[[str], None] | None = None) -> None:
        self.app, self.platform, self.sender = app, platform, sender
        self.store = app.store
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
        if msg is not None and isinstance(msg.content, Photo):
            msg = await self._with_photo(msg, msg.content)
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
        what = msg.key if msg is not None else f"update {row_id}"
        try:
            return self.store.run(lambda tx: self._unit(tx, row_id, msg, echo, None), what)
        except HandlerFailed as failed:  # its half-work rolled back; the apology is kept
            apology = failed.replies
        except Busy:  # raced every time: the person is asked to send it again
            apology = [Outgoing(t(self.app.language(msg), "error.busy"))] if msg else []
        return self.store.run(lambda tx: self._unit(tx, row_id, msg, None, apology), what)

    def _unit(self, tx: Tx, row_id: int, msg: Incoming | None, echo: Payload | None,
              replies: list[Outgoing] | None) -> tuple[Role, Lang] | None:
        """Mark the update done, run the step (unless ``replies`` are given), queue what it
        answered: all in the one transaction ``tx``."""
        now = self.clock()
        if not delivery.finish_inbound(tx.session, row_id, now) or msg is None:
            return None  # done by another worker, or nothing the bot answers
        if replies is None:
            refused = self.app.admit(msg)
            replies = refused if refused is not None else self.app.step(tx, msg)
        user = user_for(tx.session, msg.key, parse_lang(msg.language_hint).value)
        assert user.id is not None
        lang = Lang(user.language)
        post.replies(tx.session, self.platform.channel, msg.key.chat_id, user.id, lang,
                     replies, now, [echo] if echo else [])
        return Role(user.role), lang

    async def _with_photo(self, msg: Incoming, photo: Photo) -> Incoming:
        """Save the photos under the media directory; the core gets their paths."""
        if self.media_dir is None:
            return msg
        paths = []
        for ref in photo.refs:
            name = hashlib.sha256(ref.encode()).hexdigest()[:24] + ".jpg"
            path = self.media_dir / self.platform.channel / name
            try:
                if not path.exists():
                    data = await self.platform.download(ref)
                    await asyncio.to_thread(_write, path, data)
            except Exception as exc:  # keep the platform's id; the report still has it
                log.warning("photo download failed: %s", type(exc).__name__)
                paths.append(ref)
                continue
            paths.append(str(path))
        return replace(msg, content=Photo(tuple(paths), photo.caption))

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
