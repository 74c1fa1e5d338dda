"""Zalo Bot Platform (``giamngheo run --channel zalo``): a thin client over aiohttp.

``POST {base}{token}/{method}`` with JSON; replies ``{ok, result, error_code?, description?}``.
The token is in the URL path, so no URL is ever logged or put into an error message.
Zalo has no inline keyboards and no editing: buttons arrive as numbered lines (see
``common.render``) and the core accepts the number. ``getUpdates`` has no offset and returns
one update (HTTP 408 when idle); consumed updates can come back, so the message id is the
update id and the inbound store drops repeats.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from bot.base.messages import Incoming
from bot.channels.pipeline import RawUpdate
from bot.channels.updates import slim_zalo, zalo_incoming, zalo_unwrap, zalo_update_id
from scheduler.outbox import Rejected, RetryAfter, Transient
from scheduler.render import ZALO, Payload
from storage.models import OutboxMessage

URL_SCHEMES = ("http://", "https://")  # Zalo sends photos by URL only
MAX_DOWNLOAD = 10 * 1024 * 1024
QUOTA_PAUSE_S = 3600.0  # Zalo's 429 means a used-up quota and gives no retry_after


class IdlePoll(Exception):
    """getUpdates ended without an update (HTTP 408)."""


class ZaloClient:
    def __init__(self, token: str, base_url: str = "https://bot-api.zaloplatforms.com/bot"):
        self._prefix = f"{base_url}{token}/"
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def call(self, method: str, payload: Payload | None = None,
                   timeout: float = 30.0) -> Any:
        try:
            async with self.session.post(self._prefix + method, json=payload or {},
                                         timeout=aiohttp.ClientTimeout(total=timeout)) as resp:
                status = resp.status
                try:
                    body = await resp.json(content_type=None)
                except ValueError:
                    body = {}
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise Transient(f"{method}: {type(exc).__name__}") from None
        return result(method, status, body if isinstance(body, dict) else {})

    async def fetch(self, url: str) -> bytes:
        """Download a user's photo (its URL is Zalo's, not ours; still not logged)."""
        try:
            async with self.session.get(url, timeout=aiohttp.ClientTimeout(total=60)) as resp:
                if resp.status != 200:
                    raise Transient(f"download: HTTP {resp.status}")
                data = await resp.content.read(MAX_DOWNLOAD + 1)
        except aiohttp.ClientError as exc:
            raise Transient(f"download: {type(exc).__name__}") from None
        if len(data) > MAX_DOWNLOAD:
            raise Rejected("photo too large")
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
        raise RetryAfter(float(retry) if retry else QUOTA_PAUSE_S)
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
        update_id = zalo_update_id(update)
        return RawUpdate(update_id, slim_zalo(update)) if update_id else None

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
