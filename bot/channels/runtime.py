"""One bot on one platform: receive (long polling or a webhook), process, send.

Receiving only stores: the poller advances its offset, and the webhook answers 2xx, after the
update is in the database; a database outage makes the poller retry (nothing confirmed) and
the webhook answer 503 (the platform redelivers). The pipeline processes what is stored; the
outbox sender sends what is queued.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

from bot.base.clock import utcnow
from bot.base.i18n import parse_lang, t
from bot.base.messages import Lang, Role
from bot.channels.common import command_menu
from bot.channels.pipeline import Pipeline, Platform, RawUpdate
from bot.core.app import App
from scheduler.limits import Limits
from scheduler.outbox import Sender
from storage.models import OutboxMessage

log = logging.getLogger("giamngheo.channels")


class Runtime:
    def __init__(self, app: App, platform: Platform, limits: Limits | None = None, *,
                 media_dir: Path | None = None, poll_timeout: int = 30,
                 clock: Callable[[], datetime] = utcnow,
                 on_queued: Callable[[str], None] | None = None) -> None:
        self.platform, self.poll_timeout = platform, poll_timeout
        self.pipeline = Pipeline(app, platform, media_dir=media_dir, clock=clock,
                                 on_queued=on_queued)
        self.sender = Sender(self.pipeline.store, platform, limits, clock=clock)
        self.pipeline.sender = self.sender
        self.stopping = False
        self._tasks: list[asyncio.Task[None]] = []
        self._poller: asyncio.Task[None] | None = None
        self._web: web.AppRunner | None = None
        self._told_busy: set[str] = set()  # chats told "busy" during the current outage

    async def start(self, webhook: str | None = None, listen: str = "127.0.0.1:8080",
                    secret: str | None = None) -> None:
        await self.platform.start()
        await self._default_menu()
        self._tasks = [asyncio.create_task(self.sender.run()),
                       asyncio.create_task(self.pipeline.run())]
        if webhook:
            secret = secret or secrets.token_urlsafe(32)
            await self._serve_webhook(urlsplit(webhook).path or "/", listen, secret)
            await self.platform.set_webhook(webhook, secret)
        else:
            await self.platform.delete_webhook()
            self._poller = asyncio.create_task(self._poll())

    async def stop(self) -> None:
        self.stopping = self.pipeline.stopping = True
        self.pipeline.wake.set()
        self.sender.stop()
        if self._poller is not None:
            self._poller.cancel()  # a long poll in progress confirms nothing
            await asyncio.gather(self._poller, return_exceptions=True)
        if self._web is not None:
            await self._web.cleanup()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.platform.close()

    async def serve(self, webhook: str | None, listen: str, secret: str | None) -> None:
        """Run until SIGINT/SIGTERM (the ``giamngheo run`` command)."""
        import signal

        done = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, done.set)
        await self.start(webhook, listen, secret)
        log.warning("running on %s (%s)", self.platform.channel,
                    "webhook" if webhook else "long polling")
        try:
            await done.wait()
        finally:
            await self.stop()

    async def _default_menu(self) -> None:
        commands = self.pipeline.app.registry.commands
        for lang, code in ((Lang.VI, None), (Lang.EN, "en")):
            try:
                await self.platform.set_commands(command_menu(commands, Role.CITIZEN, lang),
                                                 None, code)
            except Exception as exc:  # a menu is a convenience: the bot runs without it
                log.warning("setting the command menu failed: %s", type(exc).__name__)

    async def _poll(self) -> None:
        offset: int | None = None
        failures = 0
        while not self.stopping:
            try:
                batch = await self.platform.poll(offset, self.poll_timeout)
                failures = 0
            except Exception as exc:
                failures += 1
                log.warning("polling failed: %s", type(exc).__name__)
                await asyncio.sleep(min(30.0, 0.5 * 2 ** failures))
                continue
            if batch:
                await self._store(batch)
                offset = self.platform.next_offset(batch, offset)

    async def _store(self, batch: list[RawUpdate]) -> None:
        """Keep trying until the batch is stored; only then may the offset move on."""
        failures = 0
        while True:
            try:
                await self.pipeline.ingest(batch)
                self._told_busy.clear()
                return
            except Exception as exc:
                failures += 1
                log.warning("storing updates failed (%s); retrying", type(exc).__name__)
                await self._tell_busy(batch)
                await asyncio.sleep(min(30.0, 0.25 * 2 ** failures))

    async def _tell_busy(self, updates: list[RawUpdate]) -> None:
        """The database is away: tell each chat once, straight to the platform (the outbox
        is in the database too). The updates themselves are kept and processed later."""
        for update in updates:
            msg = self.platform.incoming(update)
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

    async def _serve_webhook(self, path: str, listen: str, secret: str) -> None:
        host, _, port = listen.rpartition(":")
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_post(path, self._webhook_handler(secret))
        app.router.add_get("/healthz", _healthz)
        self._web = web.AppRunner(app, access_log=None)
        await self._web.setup()
        await web.TCPSite(self._web, host or "127.0.0.1", int(port)).start()

    def _webhook_handler(
            self, secret: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        expected = secret.encode()

        async def handle(request: web.Request) -> web.StreamResponse:
            given = request.headers.get(self.platform.secret_header, "").encode()
            if not hmac.compare_digest(given, expected):
                return web.Response(status=401)
            try:
                body = json.loads(await request.read())
            except ValueError:
                return web.Response(status=400)
            update = self.platform.from_webhook(body) if isinstance(body, dict) else None
            if update is None:
                return web.Response(status=200)  # nothing for the bot; do not redeliver
            try:
                await self.pipeline.ingest([update])
                self._told_busy.clear()
            except Exception as exc:
                log.warning("storing a webhook update failed: %s", type(exc).__name__)
                await self._tell_busy([update])
                return web.Response(status=503)  # the platform delivers it again
            return web.Response(status=200)

        return handle


async def _healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok")
