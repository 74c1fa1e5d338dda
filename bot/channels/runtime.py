"""One bot on one platform: receive (long polling or a webhook), process, send.

Receiving only stores: the poller advances its offset, and the webhook answers 2xx, after the
update is in the database; a database outage makes the poller retry (nothing confirmed) and
the webhook answer 503 (the platform redelivers). The pipeline processes what is stored; the
outbox sender sends what is queued; the downloader fetches the media people sent.

Start-up calls (getMe, deleteWebhook or setWebhook) are retried with a growing delay while
the platform fails or asks to wait; a rejected token ends the run with a message that does
not hold it.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

from bot.base.clock import utcnow
from bot.base.i18n import parse_lang, t
from bot.base.messages import Lang, Role
from bot.channels import webhook as hook
from bot.channels.calls import TOKEN_REJECTED, Backoff, patiently
from bot.channels.common import command_menu
from bot.channels.media import Downloader
from bot.channels.pipeline import ALBUM_QUIET, Pipeline
from bot.channels.platform import Platform, RawUpdate
from bot.channels.polling import Poller
from bot.core.app import App
from scheduler.limits import Limits
from scheduler.outbox import Sender
from scheduler.transport import Rejected, Unauthorized
from storage.models import OutboxMessage

log = logging.getLogger("giamngheo.channels")


class Runtime:
    def __init__(self, app: App, platform: Platform, limits: Limits | None = None, *,
                 media_dir: Path | None = None, poll_timeout: int = 30,
                 clock: Callable[[], datetime] = utcnow,
                 on_queued: Callable[[str], None] | None = None,
                 album_quiet: float = ALBUM_QUIET, backoff_s: float = 0.5) -> None:
        self.platform, self.poll_timeout, self.backoff_s = platform, poll_timeout, backoff_s
        self.pipeline = Pipeline(app, platform, media_dir=media_dir, clock=clock,
                                 on_queued=on_queued, album_quiet=album_quiet)
        self.sender = Sender(self.pipeline.store, platform, limits, clock=clock)
        self.pipeline.sender = self.sender
        self.downloader = Downloader(app.store, platform, clock=clock) if media_dir else None
        self.pipeline.downloads = self.downloader
        self.poller = Poller(platform, self._store, poll_timeout, Backoff(backoff_s),
                             self._fail)
        self.stopping = False
        self.failure: str | None = None  # why the run must end (a rejected token)
        self.ended = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._poller: asyncio.Task[None] | None = None
        self._web: web.AppRunner | None = None
        self._told_busy: set[str] = set()  # chats told "busy" during the current outage

    async def start(self, webhook: str | None = None, listen: str = "127.0.0.1:8080",
                    secret: str | None = None) -> None:
        """Ready to receive; raises ``Unauthorized`` (a rejected token) or ``Rejected``."""
        await patiently(self.platform.start, "getMe", backoff=Backoff(self.backoff_s))
        await self._default_menu()
        workers = [self.sender.run(), self.pipeline.run()]
        if self.downloader is not None:
            workers.append(self.downloader.run())
        self._tasks = [asyncio.create_task(w) for w in workers]
        if webhook:
            secret = secret or secrets.token_urlsafe(32)
            self._web = await hook.serve(urlsplit(webhook).path or "/", listen,
                                         hook.handler(self.platform, secret, self._store_one))
            await patiently(lambda: self.platform.set_webhook(webhook, secret), "setWebhook",
                            backoff=Backoff(self.backoff_s))
        else:
            await patiently(self.platform.delete_webhook, "deleteWebhook",
                            backoff=Backoff(self.backoff_s))
            self._poller = asyncio.create_task(self.poller.run())

    async def stop(self) -> None:
        self.stopping = self.pipeline.stopping = True
        self.pipeline.wake.set()
        self.sender.stop()
        if self.downloader is not None:
            self.downloader.stopping = True
            self.downloader.wake.set()
        if self._poller is not None:
            self._poller.cancel()  # a long poll in progress confirms nothing
            await asyncio.gather(self._poller, return_exceptions=True)
        if self._web is not None:
            await self._web.cleanup()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.pipeline.close()
        await self.platform.close()

    async def serve(self, webhook: str | None, listen: str, secret: str | None) -> None:
        """Run until SIGINT/SIGTERM (the ``giamngheo run`` command), or until the platform
        rejects the token (then ``SystemExit`` with a message that does not hold it)."""
        import signal

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.ended.set)
        try:
            if await self._started(webhook, listen, secret):
                log.warning("running on %s (%s)", self.platform.channel,
                            "webhook" if webhook else "long polling")
                await self.ended.wait()
        finally:
            await self.stop()
        if self.failure is not None:
            raise SystemExit(self.failure)

    async def _started(self, webhook: str | None, listen: str, secret: str | None) -> bool:
        """Start, unless asked to stop first (start-up may wait on the platform)."""
        starting = asyncio.create_task(self.start(webhook, listen, secret))
        ended = asyncio.create_task(self.ended.wait())
        await asyncio.wait({starting, ended}, return_when=asyncio.FIRST_COMPLETED)
        ended.cancel()
        if not starting.done():
            starting.cancel()
            await asyncio.gather(starting, return_exceptions=True)
            return False
        try:
            starting.result()
        except Unauthorized:
            self._fail(TOKEN_REJECTED)
            return False
        except Rejected as exc:
            self._fail(f"giamngheo run: the platform refused a start-up call: {exc}")
            return False
        return True

    def _fail(self, why: str) -> None:
        log.error("%s", why)
        self.failure = why
        self.ended.set()

    async def _default_menu(self) -> None:
        commands = self.pipeline.app.registry.commands
        for lang, code in ((Lang.VI, None), (Lang.EN, "en")):
            try:
                await self.platform.set_commands(command_menu(commands, Role.CITIZEN, lang),
                                                 None, code)
            except Exception as exc:  # a menu is a convenience: the bot runs without it
                log.warning("setting the command menu failed: %s", type(exc).__name__)

    async def _store(self, batch: list[RawUpdate]) -> None:
        """Keep trying until the batch is stored; only then may the offset move on."""
        backoff = Backoff(0.25)
        while not await self._store_one(*batch):
            await asyncio.sleep(backoff.next())

    async def _store_one(self, *updates: RawUpdate) -> bool:
        try:
            await self.pipeline.ingest(list(updates))
        except Exception as exc:
            log.warning("storing updates failed (%s)", type(exc).__name__)
            await self._tell_busy(list(updates))
            return False
        self._told_busy.clear()
        return True

    async def _tell_busy(self, updates: list[RawUpdate]) -> None:
        """The database is away: tell each chat once, straight to the platform (the outbox
        is in the database too). The updates themselves are kept and processed later."""
        for update in updates:
            msg = self.platform.incoming(update) if update.problem is None else None
            if msg is None or msg.key.chat_id in self._told_busy:
                continue
            self._told_busy.add(msg.key.chat_id)
            notice = OutboxMessage(channel=self.platform.channel, chat_id=msg.key.chat_id,
                                   payload={"kind": "text", "keyboard": None,
                                            "text": t(parse_lang(msg.language_hint),
                                                      "error.busy_later")})
            try:
                await self.platform.send(notice)
            except Exception as exc:  # the outage notice is a courtesy, not a record
                log.warning("telling a chat the bot is busy failed: %s", type(exc).__name__)
