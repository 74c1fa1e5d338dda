"""Inbound updates, processed once; replies into the outbox. SDK-free.

store → acknowledge → process → done. An update is stored (unique per channel and update
id) before the platform hears it was received; acknowledging (answering a press) runs beside,
never in front of, the next update. Processing is one unit of work (``Store.run``):
``App.step`` runs in the transaction that also marks the update done and queues the replies,
so a crash leaves either nothing or all of it, a redelivered update has no second effect,
and a step raced by another process is redone whole, in a new transaction.

An album (Telegram sends each photo as its own update, with one ``media_group_id``) is held
until no part has arrived for ``album_quiet`` seconds and then answered once, as one
``Photo``; a chat's later updates wait behind it, so its order holds. An update that cannot
be read, or keeps failing, is set aside with its reason (``giamngheo updates``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.base.clock import aware, utcnow
from bot.base.i18n import parse_lang, t
from bot.base.messages import Incoming, Lang, Outgoing, Photo, Role, Voice
from bot.channels import media
from bot.channels.calls import patiently
from bot.channels.common import command_menu
from bot.channels.platform import Pending, Platform, RawUpdate
from bot.core.app import App, HandlerFailed
from scheduler import post
from scheduler.outbox import Sender
from scheduler.render import Payload
from storage import delivery, inbound
from storage.repo import Busy, Tx, user_for

__all__ = ["Pipeline", "Platform", "RawUpdate"]
log = logging.getLogger("giamngheo.channels")
KEEP_DONE = timedelta(days=7)  # processed update ids are remembered this long (redeliveries)
KEEP_SET_ASIDE = timedelta(days=30)  # an update set aside is kept this long for an officer
MAX_ATTEMPTS = 5  # an update that fails this often is set aside (logged), not retried forever
ALBUM_QUIET = 1.5  # seconds without a new part before an album is answered


Clock = Callable[[], datetime]


class Pipeline:
    def __init__(self, app: App, platform: Platform, sender: Sender | None = None, *,
                 media_dir: Path | None = None, clock: Clock = utcnow,
                 on_queued: Callable[[str], None] | None = None,
                 album_quiet: float = ALBUM_QUIET) -> None:
        self.app, self.platform, self.sender = app, platform, sender
        self.store = app.store
        self.media_dir, self.clock, self.on_queued = media_dir, clock, on_queued
        self.album_quiet = timedelta(seconds=album_quiet)
        self.downloads: media.Downloader | None = None
        self.menus: dict[str, tuple[Role, Lang]] = {}
        self.wake = asyncio.Event()
        self.stopping = False
        self.next_hold: datetime | None = None
        self._acks: set[asyncio.Task[None]] = set()

    # Receiving ------------------------------------------------------------------------

    async def ingest(self, updates: list[RawUpdate]) -> list[RawUpdate]:
        """Store updates (raises if the database cannot); acknowledge the new ones beside."""
        arrivals = [inbound.Arrival(u.update_id, u.payload, u.chat_id, u.group, u.problem)
                    for u in updates]
        new = set(await asyncio.to_thread(self._store, arrivals))
        fresh = [u for u in updates if u.update_id in new]
        if any(u.problem is None for u in fresh):
            self.wake.set()
        for update in fresh:
            if update.problem is not None:
                log.warning("update %s set aside: %s", update.update_id, update.problem)
            task = asyncio.create_task(self._acknowledge(update))
            self._acks.add(task)
            task.add_done_callback(self._acks.discard)
        return fresh

    def _store(self, arrivals: list[inbound.Arrival]) -> list[str]:
        with self.store.session() as session:
            return delivery.store_inbound(session, self.platform.channel, arrivals,
                                          self.clock(), self.album_quiet)

    async def _acknowledge(self, update: RawUpdate) -> None:
        try:
            await patiently(lambda: self.platform.acknowledge(update), "acknowledging",
                            tries=3)
        except Exception as exc:  # the press spins a little longer; nothing is lost
            log.warning("acknowledging an update failed: %s", type(exc).__name__)

    async def close(self) -> None:
        for task in list(self._acks):
            task.cancel()
        await asyncio.gather(*self._acks, return_exceptions=True)

    # Processing -----------------------------------------------------------------------

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
                wait = 1.0 if self.next_hold is None else \
                    min(1.0, (self.next_hold - self.clock()).total_seconds())
                with suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), timeout=max(0.01, wait))

    def _purge(self) -> None:
        now = self.clock()
        with self.store.session() as session:
            inbound.purge_inbound(session, now - KEEP_DONE, now - KEEP_SET_ASIDE)

    async def process_pending(self) -> int:
        """Process what is due, in each chat's order; returns how many were processed."""
        rows = await asyncio.to_thread(self._pending)
        now, self.next_hold = self.clock(), None
        waiting: set[str | None] = set()  # chats behind an album still arriving
        albums_done: set[str] = set()
        done = 0
        for row in rows:
            group, chat = row.update.group, row.update.chat_id
            if (chat is not None and chat in waiting) or (group and group in albums_done):
                continue
            parts = [row]
            if group:
                parts = await asyncio.to_thread(self._album, group)
                quiet = max((p.hold_until for p in parts if p.hold_until), default=now)
                if quiet > now:
                    waiting.add(chat)
                    self.next_hold = min(self.next_hold or quiet, quiet)
                    continue
                albums_done.add(group)
            await self.process(parts)
            done += 1
        return done

    def _pending(self) -> list[Pending]:
        with self.store.session() as session:
            return [_pending(r) for r in delivery.pending_inbound(session, self.platform.channel)]

    def _album(self, group: str) -> list[Pending]:
        with self.store.session() as session:
            return [_pending(r) for r in inbound.album(session, self.platform.channel, group)]

    async def process(self, parts: list[Pending]) -> None:
        """One update, or an album's parts, as one unit of work."""
        ids = [p.row_id for p in parts]
        attempts = max(p.attempts for p in parts)
        if attempts >= MAX_ATTEMPTS:
            log.error("update %s set aside after %d failed attempts", ids[0], attempts)
            await asyncio.to_thread(self._set_aside, ids, f"failed {attempts} times")
            return
        try:
            msg = self._incoming([p.update for p in parts])
            single = parts[0].update if len(parts) == 1 else None
            echo = self.platform.echo(single) if msg is not None and single else None
            presence = self.platform.presence(single) if single else None
            menu = await asyncio.to_thread(self._handle, ids, msg, echo, presence)
        except Exception:
            await asyncio.to_thread(self._note_attempt, ids)
            raise
        if msg is None or menu is None:
            return
        if self.sender is not None:
            self.sender.notify(reply=True)
        if self.downloads is not None and isinstance(msg.content, Photo | Voice):
            self.downloads.wake.set()
        if self.on_queued is not None:
            self.on_queued(parts[-1].update.update_id)
        await self._update_menu(msg, *menu)

    def _incoming(self, updates: list[RawUpdate]) -> Incoming | None:
        """What the core is given: an album's photos together, as one ``Photo``."""
        msgs = [self.platform.incoming(u) for u in updates]
        if len(msgs) == 1 or msgs[0] is None:
            return msgs[0]
        photos = [m.content for m in msgs if m is not None and isinstance(m.content, Photo)]
        if not photos:
            return msgs[0]
        caption = next((p.caption for p in photos if p.caption), "")
        return replace(msgs[0], content=Photo(tuple(r for p in photos for r in p.refs), caption))

    def _note_attempt(self, ids: list[int]) -> None:
        with self.store.session() as session:
            for row_id in ids:
                delivery.note_attempt(session, row_id)

    def _set_aside(self, ids: list[int], reason: str) -> None:
        with self.store.session() as session:
            for row_id in ids:
                inbound.set_aside(session, row_id, reason, self.clock())

    def _handle(self, ids: list[int], msg: Incoming | None, echo: Payload | None,
                presence: tuple[str, bool] | None) -> tuple[Role, Lang] | None:
        try:
            return self._run(ids, msg, echo, presence, None)
        except HandlerFailed as failed:  # its half-work rolled back; the apology is kept
            apology = failed.replies
        except Busy:  # raced every time: the person is asked to send it again
            apology = [Outgoing(t(self.app.language(msg), "error.busy"))] if msg else []
        return self._run(ids, msg, None, presence, apology)

    def _run(self, ids: list[int], msg: Incoming | None, echo: Payload | None,
             presence: tuple[str, bool] | None,
             replies: list[Outgoing] | None) -> tuple[Role, Lang] | None:
        what = msg.key if msg is not None else f"update {ids[0]}"
        try:
            return self.store.run(
                lambda tx: self._unit(tx, ids, msg, echo, presence, replies), what)
        except _Taken:  # another worker processed (part of) it: nothing of this one is kept
            return None

    def _unit(self, tx: Tx, ids: list[int], msg: Incoming | None, echo: Payload | None,
              presence: tuple[str, bool] | None,
              replies: list[Outgoing] | None) -> tuple[Role, Lang] | None:
        """Mark the update(s) done, run the step (unless ``replies`` are given), queue what it
        answered: all in the one transaction ``tx``."""
        now = self.clock()
        if not all([delivery.finish_inbound(tx.session, i, now) for i in ids]):
            raise _Taken()
        if presence is not None:
            inbound.mark_presence(tx.session, self.platform.channel, *presence)
        if msg is None:
            return None  # nothing the bot answers
        if replies is None:
            refused = self.app.admit(msg)
            if refused is None and self.media_dir is not None:
                msg = media.localise(tx.session, self.platform.channel, msg, self.media_dir,
                                     now)
            replies = refused if refused is not None else self.app.step(tx, msg)
        user = user_for(tx.session, msg.key, parse_lang(msg.language_hint).value)
        assert user.id is not None
        inbound.mark_reachable(tx.session, user.id)  # whoever writes can be written to
        lang = Lang(user.language)
        post.replies(tx.session, self.platform.channel, msg.key.chat_id, user.id, lang,
                     replies, now, [echo] if echo else [])
        return Role(user.role), lang

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


class _Taken(Exception):
    """Another worker finished this update (or a part of this album) first."""


def _pending(row: Any) -> Pending:
    update = RawUpdate(row.update_id, dict(row.payload), row.chat_id, row.group_key)
    return Pending(row.id or 0, row.attempts, update,
                   aware(row.hold_until) if row.hold_until else None)
