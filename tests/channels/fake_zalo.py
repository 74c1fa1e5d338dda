"""A fake Zalo Bot Platform server (aiohttp, loopback), behaving as the platform documents.

``POST /bot<TOKEN>/<method>`` with JSON; replies ``{ok, result}`` or ``{ok: false,
error_code, description}``. getUpdates takes only ``timeout``, returns one update, answers
HTTP 408 when idle, and (``replay=True``) hands an already consumed update out again, as the
platform may. Webhook: the bare update, with header ``X-Bot-Api-Secret-Token``. Text is at
most 2000 characters; photos are sent by URL; there are no keyboards and no editing.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections import deque
from typing import Any

import aiohttp
from aiohttp import web

from tests.channels.faults import Faults

TOKEN = "1234567890:zalo-fake-secret"
SECRET_HEADER = "X-Bot-Api-Secret-Token"


class ZaloError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


class FakeZalo:
    def __init__(self, token: str = TOKEN, per_second: int | None = 20,
                 replay: bool = False) -> None:
        self.token, self.per_second, self.replay = token, per_second, replay
        self.queue: deque[dict[str, Any]] = deque()
        self.consumed: list[dict[str, Any]] = []
        self.chats: dict[str, list[dict[str, Any]]] = {}
        self.files: dict[str, bytes] = {}
        self.webhook: tuple[str, str] | None = None
        self.webhook_statuses: list[int] = []
        self.rejected_429 = 0
        self.blocked: set[str] = set()  # chats whose person blocked the bot: 403
        self.faults = Faults()
        self._ids = itertools.count(1)
        self._window: deque[float] = deque()
        self._changed = asyncio.Condition()
        self._replayed: set[str] = set()
        self._runner: web.AppRunner | None = None
        self._pusher: asyncio.Task[None] | None = None
        self.url = self.root = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._api)
        app.router.add_get("/files/{name}", self._file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.root = f"http://127.0.0.1:{port}"
        self.url = f"{self.root}/bot"
        return self.url

    async def stop(self) -> None:
        async with self._changed:  # long polls in progress end now
            self._changed.notify_all()
        if self._pusher is not None:
            self._pusher.cancel()
            await asyncio.gather(self._pusher, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(ZaloError(401, "Unauthorized"))
        method = request.match_info["method"]
        handler = getattr(self, "m_" + method, None)
        if handler is None:
            return _error(ZaloError(404, "Not found"))
        try:
            body = await request.json() if request.can_read_body else {}
            fault = await self.faults.before(method)
            if isinstance(fault, ZaloError):
                raise fault
            found = await handler(body or {})
            await self.faults.after(fault, request)
            return web.json_response({"ok": True, "result": found})
        except ZaloError as exc:
            return _error(exc)

    async def _file(self, request: web.Request) -> web.Response:
        data = self.files.get(request.match_info["name"])
        return web.Response(body=data) if data is not None else web.Response(status=404)

    # Users --------------------------------------------------------------------------------

    async def push(self, event: str, user: str, **content: Any) -> str:
        message_id = f"zm{next(self._ids):06d}"
        update = {"event_name": event, "message": {
            "message_id": message_id, "date": int(time.time() * 1000),
            "from": {"id": user, "display_name": "An", "is_bot": False},
            "chat": {"id": user, "chat_type": "PRIVATE"}, **content}}
        return await self.push_raw(update)

    async def push_raw(self, update: dict[str, Any]) -> str:
        """An update as the platform would send it (a fixture), handed out as it is."""
        message_id = str(update["message"]["message_id"])
        async with self._changed:
            self.queue.append(update)
            self._changed.notify_all()
        return message_id

    def photo_url(self, name: str, data: bytes) -> str:
        self.files[name] = data
        return f"{self.root}/files/{name}"

    # Methods ------------------------------------------------------------------------------

    async def m_getMe(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"id": "1459232241454765289", "account_name": "bot.giamngheo",
                "account_type": "BASIC", "can_join_groups": False}

    async def m_getUpdates(self, body: dict[str, Any]) -> dict[str, Any]:
        if self.webhook is not None:
            raise ZaloError(400, "webhook is set; delete it to use getUpdates")
        async with self._changed:
            if not self.queue:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), float(body.get("timeout", 30)))
            if not self.queue:
                raise ZaloError(408, "Request timeout")
            update = self.queue.popleft()
        self.consumed.append(update)
        message_id = update["message"]["message_id"]
        if self.replay and message_id not in self._replayed:  # it comes back once more
            self._replayed.add(message_id)
            self.queue.append(update)
        return update

    async def m_setWebhook(self, body: dict[str, Any]) -> dict[str, Any]:
        secret = str(body.get("secret_token") or "")
        if not 8 <= len(secret) <= 256:
            raise ZaloError(400, "secret_token must have 8-256 characters")
        self.webhook = (str(body["url"]), secret)
        if self._pusher is None or self._pusher.done():
            self._pusher = asyncio.create_task(self._push_loop())
        return {"url": body["url"], "updated_at": int(time.time() * 1000)}

    async def m_deleteWebhook(self, body: dict[str, Any]) -> dict[str, Any]:
        self.webhook = None
        return {"url": "", "updated_at": int(time.time() * 1000)}

    async def m_getWebhookInfo(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.webhook[0] if self.webhook else ""}

    async def m_sendMessage(self, body: dict[str, Any]) -> dict[str, Any]:
        text = str(body.get("text") or "")
        if not 1 <= len(text) <= 2000:
            raise ZaloError(400, "text must have 1-2000 characters")
        return self._sent(body, text=text)

    async def m_sendPhoto(self, body: dict[str, Any]) -> dict[str, Any]:
        if not str(body.get("photo", "")).startswith(("http://", "https://")):
            raise ZaloError(400, "photo must be a URL")
        return self._sent(body, photo=body["photo"], caption=body.get("caption"))

    async def m_sendChatAction(self, body: dict[str, Any]) -> None:
        return None

    def _sent(self, body: dict[str, Any], **content: Any) -> dict[str, Any]:
        if str(body["chat_id"]) in self.blocked:
            raise ZaloError(403, "Forbidden: the user blocked the bot")
        now = time.monotonic()
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()
        if self.per_second is not None and len(self._window) >= self.per_second:
            self.rejected_429 += 1
            raise ZaloError(429, "Quota exceeded")
        self._window.append(now)
        message = {"message_id": f"bm{next(self._ids):06d}", "date": int(time.time() * 1000)}
        self.chats.setdefault(str(body["chat_id"]), []).append({**message, **content})
        return message

    async def _push_loop(self) -> None:
        async with aiohttp.ClientSession() as session:
            while self.webhook is not None:
                async with self._changed:
                    if not self.queue:
                        await self._changed.wait()
                        continue
                    update = self.queue[0]
                url, secret = self.webhook
                try:
                    async with session.post(url, json=update,
                                            headers={SECRET_HEADER: secret}) as resp:
                        status = resp.status
                except aiohttp.ClientError:
                    status = 599
                self.webhook_statuses.append(status)
                if 200 <= status < 300:
                    async with self._changed:
                        self.queue.popleft()
                    self.consumed.append(update)
                else:
                    await asyncio.sleep(0.05)


def _error(exc: ZaloError) -> web.Response:
    body = {"ok": False, "error_code": exc.code, "description": exc.description}
    return web.json_response(body, status=exc.code)
