"""Zalo Bot Platform (``giamngheo run --channel zalo``): a thin client over aiohttp.

``POST {base}{token}/{method}`` with JSON; replies ``{ok, result, error_code?, description?}``.
The token is in the URL path, so no URL is ever logged or put into an error message.
Zalo has no inline keyboards and no editing: buttons arrive as numbered lines (see
``common.render``) and the core accepts the number. ``getUpdates`` has no offset and returns
one update (HTTP 408 when idle); consumed updates can come back, so the message id is the
update id and the inbound store drops repeats.

Zalo takes no idempotency key either: a send waits longer than the platform for its answer,
and one that was sent but never answered is repeated at most once (``Unsure``). A 429 with
``retry_after`` waits that long; without one, a short pause that grows while 429s go on
(not an hour: the platform documents no such wait). 403 is final: the person blocked the bot.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from bot.base.messages import Incoming
from bot.channels.platform import RawUpdate
from bot.channels.updates import (
    Unreadable,
    slim_zalo,
    zalo_incoming,
    zalo_unwrap,
    zalo_update_id,
)
from scheduler.render import ZALO, Payload
from scheduler.transport import Blocked, Rejected, RetryAfter, Transient, Unauthorized, Unsure
from storage.models import OutboxMessage

URL_SCHEMES = ("http://", "https://")  # Zalo sends photos by URL only
MAX_DOWNLOAD = 10 * 1024 * 1024
SEND_TIMEOUT_S = 90.0  # longer than the platform takes to answer (or to give up)
CONNECT_TIMEOUT_S = 10.0
QUOTA_PAUSE_S = (5.0, 300.0)  # a 429 without retry_after: 5 s, doubling while 429s go on
SENDS = {"sendMessage", "sendPhoto", "sendSticker", "sendVoice"}
NOT_SENT = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)


class IdlePoll(Exception):
    """getUpdates ended without an update (HTTP 408)."""


class ZaloClient:
    def __init__(self, token: str, base_url: str = "https://bot-api.zaloplatforms.com/bot"):
        self._prefix = f"{base_url}{token}/"
        self._session: aiohttp.ClientSession | None = None
        self.quota_429s = 0  # 429s without retry_after in a row

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def call(self, method: str, payload: Payload | None = None,
                   timeout: float = SEND_TIMEOUT_S) -> Any:
        limits = aiohttp.ClientTimeout(total=timeout, sock_connect=CONNECT_TIMEOUT_S)
        try:
            async with self.session.post(self._prefix + method, json=payload or {},
                                         timeout=limits) as resp:
                status = resp.status
                try:
                    body = await resp.json(content_type=None)
                except ValueError:
                    body = {}
        except (aiohttp.ClientError, TimeoutError) as exc:
            sent = method in SENDS and not isinstance(exc, NOT_SENT)
            error = Unsure if sent else Transient
            raise error(f"{method}: {type(exc).__name__}") from None
        try:
            found = result(method, status, body if isinstance(body, dict) else {})
        except RetryAfter as exc:
            raise self._quota(exc) from None
        if method in SENDS:
            self.quota_429s = 0
        return found

    def _quota(self, exc: RetryAfter) -> RetryAfter:
        if exc.seconds:
            return exc
        first, most = QUOTA_PAUSE_S
        self.quota_429s += 1
        return RetryAfter(min(most, first * 2 ** (self.quota_429s - 1)))

    async def fetch(self, url: str) -> bytes:
        """Download a user's photo or voice note (its URL is Zalo's, not ours; still never
        logged)."""
        limits = aiohttp.ClientTimeout(total=SEND_TIMEOUT_S, sock_connect=CONNECT_TIMEOUT_S)
        try:
            async with self.session.get(url, timeout=limits) as resp:
                if resp.status != 200:
                    raise Transient(f"download: HTTP {resp.status}")
                data = await resp.content.read(MAX_DOWNLOAD + 1)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise Transient(f"download: {type(exc).__name__}") from None
        if len(data) > MAX_DOWNLOAD:
            raise Rejected("file too large")
        return data


def result(method: str, status: int, body: Payload) -> Any:
    """The ``result`` of a reply, or the outbox's typed error for a failure."""
    code = int(body.get("error_code") or (0 if body.get("ok") else status))
    if status == 408 or code == 408:
        raise IdlePoll()
    if body.get("ok") and 200 <= status < 300:
        return body.get("result")
    description = str(body.get("description") or "")[:200]
    if code == 429 or status == 429:
        retry = (body.get("parameters") or {}).get("retry_after")
        raise RetryAfter(float(retry) if retry else 0.0)  # 0: the client picks the pause
    if code == 401 or status == 401:
        raise Unauthorized(method)
    if code == 403 or status == 403:
        raise Blocked(f"{method}: {description}")
    if code == 400 or status == 400:
        raise Rejected(f"{method}: {description}")
    raise Transient(f"{method}: {code} {description}")


class ZaloPlatform:
    channel = "zalo"
    profile = ZALO
    secret_header = "X-Bot-Api-Secret-Token"

    def __init__(self, token: str, base_url: str = "https://bot-api.zaloplatforms.com/bot"):
        self.client = ZaloClient(token, base_url)

    async def start(self) -> None:
        await self.client.call("getMe")  # a wrong token fails here

    async def close(self) -> None:
        await self.client.close()

    async def poll(self, offset: int | None, timeout: int) -> list[RawUpdate]:
        try:
            found = await self.client.call("getUpdates", {"timeout": timeout}, timeout + 10)
        except IdlePoll:
            return []
        items = found if isinstance(found, list) else [found] if isinstance(found, dict) else []
        return [raw for item in items if (raw := self.raw(item)) is not None]

    def raw(self, update: Payload) -> RawUpdate | None:
        update_id = zalo_update_id(update) if isinstance(update, dict) else None
        if update_id is None:
            return None  # no message id: nothing to answer, nothing to de-duplicate by
        try:
            slim = slim_zalo(update)
        except Unreadable as exc:
            return RawUpdate(update_id, update, problem=str(exc))
        chat = slim["message"]["chat"].get("id")
        return RawUpdate(update_id, slim, chat_id=str(chat) if chat else None)

    def next_offset(self, batch: list[RawUpdate], offset: int | None) -> int | None:
        return None  # Zalo has no offset: a returned update is consumed

    def from_webhook(self, body: Payload) -> RawUpdate | None:
        return self.raw(zalo_unwrap(body))

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.client.call("setWebhook", {"url": url, "secret_token": secret})

    async def delete_webhook(self) -> None:
        await self.client.call("deleteWebhook")

    def incoming(self, update: RawUpdate) -> Incoming | None:
        return zalo_incoming(update.payload, update.update_id)

    def echo(self, update: RawUpdate) -> Payload | None:
        return None  # no editing on Zalo

    def presence(self, update: RawUpdate) -> tuple[str, bool] | None:
        return None  # the Zalo Bot Platform sends no block or unblock events

    async def acknowledge(self, update: RawUpdate) -> None:
        return None  # nothing spins on Zalo

    async def download(self, ref: str) -> bytes:
        return await self.client.fetch(ref)

    async def set_commands(self, menu: list[tuple[str, str]], chat_id: str | None,
                           language: str | None) -> None:
        return None  # Zalo has no command menu; /trogiup lists the commands

    async def send(self, msg: OutboxMessage) -> str:
        payload, kind = msg.payload, msg.payload.get("kind")
        if kind == "text":
            sent = await self.client.call("sendMessage", {"chat_id": msg.chat_id,
                                                          "text": payload["text"]})
        elif kind == "photo" and str(payload.get("path", "")).startswith(URL_SCHEMES):
            body = {"chat_id": msg.chat_id, "photo": payload["path"]}
            if payload.get("caption"):
                body["caption"] = payload["caption"]
            sent = await self.client.call("sendPhoto", body)
        else:
            raise Rejected(f"Zalo cannot send a {kind!r} message")
        return str((sent or {}).get("message_id", ""))
