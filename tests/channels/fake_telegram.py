"""A fake Telegram Bot API server (aiohttp, loopback) with Telegram's limits.

Methods the bot uses: getMe, getUpdates, setWebhook, deleteWebhook, sendMessage,
editMessageText, answerCallbackQuery, sendPhoto, sendDocument, getFile, setMyCommands.
Limits: text 1-4096 UTF-16 units, caption 1024, callback_data 1-64 bytes, commands
``[a-z0-9_]{1,32}`` with descriptions 1-256 (at most 100), about 30 messages a second overall
and one a second per chat (429 with ``parameters.retry_after`` beyond). Updates stay until a
getUpdates offset confirms them; a webhook gets each update until it answers 2xx.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import math
import re
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web

from tests.channels.fake_http import (
    ApiError,
    caption_of,
    check_markup,
    params_of,
    post_update,
    reply,
    units,
)
from tests.channels.faults import Faults

TOKEN = "123456:TEST-token_for-the-fake"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "GiamNgheo", "username": "giamngheo_bot",
            "can_join_groups": False, "can_read_all_group_messages": False,
            "supports_inline_queries": False}
COMMAND = re.compile(r"[a-z0-9_]{1,32}")
SENDS = {"sendMessage", "sendPhoto", "sendDocument", "editMessageText"}


@dataclass
class Limits:
    per_second: int | None = 30  # messages in any one-second window, all chats
    chat_interval: float | None = 1.0  # seconds between two messages to one chat


@dataclass
class Stats:
    accepted: list[tuple[float, str, str]] = field(default_factory=list)  # time, chat, method
    rejected_429: list[float] = field(default_factory=list)
    reasons_429: list[str] = field(default_factory=list)  # "overall", "chat" or "injected"
    offsets: list[int | None] = field(default_factory=list)  # of each getUpdates call
    webhook_statuses: list[int] = field(default_factory=list)


class FakeTelegram:
    def __init__(self, limits: Limits | None = None, token: str = TOKEN) -> None:
        self.token, self.limits, self.stats = token, limits or Limits(), Stats()
        self.updates: list[dict[str, Any]] = []  # not yet confirmed
        self.delivered: list[dict[str, Any]] = []  # confirmed
        self.chats: dict[str, list[dict[str, Any]]] = {}  # what the bot sent, per chat
        self.files: dict[str, bytes] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.answered: set[str] = set()
        self.queries: set[str] = set()
        self.blocked: set[str] = set()
        self.inject_429: list[int] = []  # retry_after values for the next sends
        self.webhook: tuple[str, str] | None = None
        self.faults = Faults()  # planned per method: errors, slow or held answers, drops
        self._ids = itertools.count(1000)
        self._window: deque[float] = deque()
        self._chat_last: dict[str, float] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._pusher: asyncio.Task[None] | None = None
        self._closing = False
        self.url = ""

    # Server -------------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.*}", self._file)
        self.routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/bot"
        return self.url

    def routes(self, app: web.Application) -> None:
        """More routes (a subclass adds its own)."""

    async def stop(self) -> None:
        self._closing = True
        async with self._changed:  # long polls in progress end now
            self._changed.notify_all()
        if self._pusher is not None:
            self._pusher.cancel()
            await asyncio.gather(self._pusher, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return reply(ApiError(401, "Unauthorized"))
        method = request.match_info["method"]
        handler = getattr(self, "m_" + method, None)
        if handler is None:
            return reply(ApiError(404, "Not Found"))
        try:
            params = await params_of(request)
            fault = await self.faults.before(method)
            if isinstance(fault, ApiError):
                raise fault
            if method in SENDS:
                self._check_rate(str(params.get("chat_id")), method)
            result = await handler(params)
            await self.faults.after(fault, request)
            return reply(result=result)
        except ApiError as exc:
            return reply(exc)

    async def _file(self, request: web.Request) -> web.Response:
        data = self.files.get(request.match_info["path"].rsplit("/", 1)[-1])
        return web.Response(body=data) if data is not None else web.Response(status=404)

    def _check_rate(self, chat: str, method: str) -> None:
        now = time.monotonic()
        if self.inject_429:
            self._too_many(self.inject_429.pop(0), now, "injected")
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()
        per_second, interval = self.limits.per_second, self.limits.chat_interval
        if per_second is not None and len(self._window) >= per_second:
            self._too_many(math.ceil(self._window[0] + 1.0 - now), now, "overall")
        last = self._chat_last.get(chat)
        if method != "editMessageText" and interval and last and now - last < interval:
            self._too_many(math.ceil(interval - (now - last)), now, "chat")
        if chat in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        self._window.append(now)
        if method != "editMessageText":
            self._chat_last[chat] = now
        self.stats.accepted.append((now, chat, method))

    def _too_many(self, retry_after: int, now: float, reason: str) -> None:
        self.stats.rejected_429.append(now)
        self.stats.reasons_429.append(reason)
        retry_after = max(1, retry_after)
        raise ApiError(429, f"Too Many Requests: retry after {retry_after}",
                       retry_after=retry_after)

    # Updates ------------------------------------------------------------------------------

    async def push(self, update: dict[str, Any]) -> int:
        update = {"update_id": next(self._ids), **update}
        async with self._changed:
            self.updates.append(update)
            self._changed.notify_all()
        return int(update["update_id"])

    async def push_many(self, updates: list[dict[str, Any]]) -> list[int]:
        """Several updates at once: the next getUpdates hands them out in one batch."""
        made = [{"update_id": next(self._ids), **u} for u in updates]
        async with self._changed:
            self.updates.extend(made)
            self._changed.notify_all()
        return [int(u["update_id"]) for u in made]

    async def redeliver(self, update_id: int) -> None:
        """Hand an already confirmed update out again (as after a lost confirmation)."""
        old = next(u for u in [*self.delivered, *self.updates] if u["update_id"] == update_id)
        async with self._changed:
            self.updates.append(dict(old))
            self._changed.notify_all()

    async def m_getUpdates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(p["offset"]) if p.get("offset") is not None else None
        self.stats.offsets.append(offset)
        async with self._changed:
            if offset is not None:
                self._confirm(lambda u: u["update_id"] < offset)
            if not self.updates and float(p.get("timeout") or 0) > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait_for(
                        lambda: bool(self.updates) or self._closing), float(p["timeout"]))
            return list(self.updates[: int(p.get("limit") or 100)])

    def _confirm(self, done: Any) -> None:
        gone = [u for u in self.updates if done(u)]
        self.delivered += [u for u in gone if u not in self.delivered]
        self.updates = [u for u in self.updates if not done(u)]

    async def m_setWebhook(self, p: dict[str, Any]) -> bool:
        secret = str(p.get("secret_token") or "")
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = (str(p["url"]), secret)
        if self._pusher is None or self._pusher.done():
            self._pusher = asyncio.create_task(self._push_loop())
        return True

    async def m_deleteWebhook(self, p: dict[str, Any]) -> bool:
        self.webhook = None
        return True

    async def _push_loop(self) -> None:
        async with ClientSession() as session:
            while self.webhook is not None:
                async with self._changed:
                    if not self.updates:
                        await self._changed.wait()
                        continue
                    update = self.updates[0]
                url, secret = self.webhook
                status = await post_update(session, url, update, secret)
                self.stats.webhook_statuses.append(status)
                if 200 <= status < 300:
                    async with self._changed:
                        self._confirm(lambda u, uid=update["update_id"]: u["update_id"] == uid)
                else:
                    await asyncio.sleep(0.05)

    # Sending ------------------------------------------------------------------------------

    def _message(self, p: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat = str(p["chat_id"])
        markup = p.get("reply_markup")
        if markup:
            check_markup(markup)
        msg = {"message_id": next(self._ids), "date": int(time.time()), "from": BOT_USER,
               "chat": {"id": int(chat), "type": "private"}, **content}
        if markup:
            msg["reply_markup"] = markup
        self.chats.setdefault(chat, []).append(msg)
        return msg

    async def m_sendMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        text = str(p.get("text") or "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if units(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return self._message(p, text=text)

    async def m_editMessageText(self, p: dict[str, Any]) -> dict[str, Any]:
        chat, message_id = str(p["chat_id"]), int(p["message_id"])
        msg = next((m for m in self.chats.get(chat, []) if m["message_id"] == message_id), None)
        if msg is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        text = str(p.get("text") or "")
        if not text or units(text) > 4096:
            raise ApiError(400, "Bad Request: message text is empty or too long")
        if text == msg.get("text") and p.get("reply_markup") == msg.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        msg.update(text=text, edited=True)
        msg.pop("reply_markup", None)
        if p.get("reply_markup"):
            msg["reply_markup"] = p["reply_markup"]
        return msg

    async def m_sendPhoto(self, p: dict[str, Any]) -> dict[str, Any]:
        data = self._upload(p, "photo")
        sizes = [{"file_id": f"sent-{len(data)}", "file_unique_id": "u", "width": 1,
                  "height": 1, "file_size": len(data)}]
        return self._message(p, photo=sizes, bytes=data, **caption_of(p))

    async def m_sendDocument(self, p: dict[str, Any]) -> dict[str, Any]:
        data = self._upload(p, "document")
        document = {"file_id": f"doc-{len(data)}", "file_unique_id": "d",
                    "file_name": p.get("_filename_document", "file")}
        return self._message(p, document=document, bytes=data, **caption_of(p))

    def _upload(self, p: dict[str, Any], name: str) -> bytes:
        data = p.get(name)
        if not isinstance(data, bytes) or not data:
            raise ApiError(400, f"Bad Request: there is no {name} in the request")
        return data

    async def m_answerCallbackQuery(self, p: dict[str, Any]) -> bool:
        query = str(p["callback_query_id"])
        if query not in self.queries or query in self.answered:
            raise ApiError(400, "Bad Request: query is too old or query ID is invalid")
        self.answered.add(query)
        return True

    async def m_getFile(self, p: dict[str, Any]) -> dict[str, Any]:
        file_id = str(p["file_id"])
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {"file_id": file_id, "file_unique_id": f"u{file_id}",
                "file_size": len(self.files[file_id]), "file_path": f"photos/{file_id}"}

    async def m_getMe(self, p: dict[str, Any]) -> dict[str, Any]:
        return BOT_USER

    async def m_setMyCommands(self, p: dict[str, Any]) -> bool:
        commands = p.get("commands") or []
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: too many commands")
        for c in commands:
            if not COMMAND.fullmatch(c.get("command", "")):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(c.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: command description is invalid")
        scope = p.get("scope") or {"type": "default"}
        key = (str(scope.get("chat_id", scope["type"])), str(p.get("language_code") or ""))
        self.commands[key] = commands
        return True


