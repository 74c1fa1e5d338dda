"""What both Telegram adapters share (SDK-free): update ids and offsets, reading updates,
answering presses, and turning an outbox payload into the right Bot API call.

getUpdates is read as raw JSON and each update on its own (``raw``): one update the bot
cannot read is set aside with its reason while the offset moves past it, instead of failing
the whole batch in the library's parser (and coming back forever).
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from bot.base.messages import Incoming
from bot.channels.common import press_echo
from bot.channels.platform import RawUpdate
from bot.channels.updates import (
    Unreadable,
    slim_telegram,
    telegram_album,
    telegram_chat,
    telegram_incoming,
    telegram_presence,
)
from scheduler.render import TELEGRAM, Payload
from scheduler.transport import (
    Blocked,
    Conflict,
    Rejected,
    RetryAfter,
    Transient,
    Unauthorized,
)
from storage.models import OutboxMessage

ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
Keyboard = list[list[dict[str, str]]] | None
# Telegram answers a webhook within 60 s or gives up; a send waits longer than that for its
# answer, so that a slow answer is an answer, not a timeout followed by a second copy.
SEND_TIMEOUT_S = 90.0
CONNECT_TIMEOUT_S = 10.0
POLL_MARGIN_S = 10.0  # a long poll may take this much longer than its own timeout


def api_root(base_url: str) -> str:
    """``https://api.telegram.org/bot`` (the setting, python-telegram-bot style) → the
    server's root ``https://api.telegram.org`` (aiogram's ``TelegramAPIServer.from_base``)."""
    return base_url.rstrip("/").removesuffix("/bot")


class TelegramCommon(ABC):
    channel = "telegram"
    profile = TELEGRAM
    secret_header = "X-Telegram-Bot-Api-Secret-Token"

    # Receiving ----------------------------------------------------------------------------

    def raw(self, update: Any) -> RawUpdate:
        """One update as stored: slim when it can be read, else whole and set aside."""
        try:
            if not isinstance(update, dict):
                raise Unreadable("an update that is not an object")
            slim = slim_telegram(update)
        except Unreadable as exc:
            return RawUpdate(_update_id(update), update if isinstance(update, dict)
                             else {"value": update}, problem=str(exc))
        return RawUpdate(str(slim["update_id"]), slim, chat_id=telegram_chat(slim),
                         group=telegram_album(slim))

    def read(self, batch: Any) -> list[RawUpdate]:
        if not isinstance(batch, list):
            raise Transient("getUpdates: the answer is not a list")
        return [self.raw(update) for update in batch]

    async def poll(self, offset: int | None, timeout: int) -> list[RawUpdate]:
        try:
            batch = await self.fetch_updates(offset, timeout)
        except Exception as exc:
            raise self.error(exc) from None
        return self.read(batch)

    async def fetch_updates(self, offset: int | None, timeout: int) -> Any:
        """getUpdates through the library, its answer as raw JSON (a list of objects)."""
        raise NotImplementedError

    def next_offset(self, batch: list[RawUpdate], offset: int | None) -> int | None:
        """getUpdates confirms everything below the offset it is called with (updates set
        aside included: they are stored)."""
        ids = [int(u.update_id) for u in batch if u.update_id.isdigit()]
        return max(ids) + 1 if ids else offset

    def from_webhook(self, body: Payload) -> RawUpdate | None:
        return self.raw(body)

    def incoming(self, update: RawUpdate) -> Incoming | None:
        return telegram_incoming(update.payload)

    def presence(self, update: RawUpdate) -> tuple[str, bool] | None:
        return telegram_presence(update.payload)

    def echo(self, update: RawUpdate) -> Payload | None:
        """After a press, the message shows the choice made and loses its buttons."""
        query = update.payload.get("callback_query") or {}
        message = query.get("message") or {}
        if not message.get("text") or not message.get("reply_markup"):
            return None
        for row in message["reply_markup"].get("inline_keyboard", []):
            for button in row:
                if button.get("callback_data") == query.get("data"):
                    text = press_echo(str(button.get("text", "")), message["text"],
                                      TELEGRAM.text_limit)
                    return {"kind": "edit", "message_id": message["message_id"], "text": text}
        return None

    async def acknowledge(self, update: RawUpdate) -> None:
        query = update.payload.get("callback_query")
        if query and isinstance(query, dict) and query.get("id"):
            try:
                await self.answer(str(query["id"]))
            except Exception as exc:
                raise self.error(exc) from None

    # Sending ------------------------------------------------------------------------------

    async def send(self, msg: OutboxMessage) -> str:
        payload, chat = msg.payload, msg.chat_id
        kind = payload.get("kind")
        try:
            if kind == "text":
                return await self.send_text(chat, payload["text"], payload.get("keyboard"))
            if kind == "edit":
                return await self.edit(chat, int(payload["message_id"]), payload["text"])
            if kind in {"photo", "document"}:
                path = Path(payload["path"])
                if not path.is_file():
                    raise Rejected(f"{kind} file is missing")
                return await self.send_file(kind, chat, path, payload.get("caption"),
                                            payload.get("keyboard"))
        except Exception as exc:
            raise self.error(exc) from None
        raise Rejected(f"unknown payload kind {kind!r}")

    @abstractmethod
    async def send_text(self, chat: str, text: str, keyboard: Keyboard) -> str: ...

    @abstractmethod
    async def edit(self, chat: str, message_id: int, text: str) -> str: ...

    @abstractmethod
    async def send_file(self, kind: str, chat: str, path: Path, caption: str | None,
                        keyboard: Keyboard) -> str: ...

    @abstractmethod
    async def answer(self, query_id: str) -> None: ...

    @abstractmethod
    def error(self, exc: Exception) -> Exception:
        """The library's exception as the outbox's typed error (never with a URL in it)."""


def describe(exc: Exception) -> str:
    """A short, URL-free description of a library error for logs and ``last_error``."""
    text = str(getattr(exc, "message", "") or exc)
    return type(exc).__name__ + (f": {text[:200]}" if "http" not in text else "")


def is_gone(description: str) -> bool:
    """Bad requests that mean the chat can no longer be reached."""
    lowered = description.lower()
    return "chat not found" in lowered or "user not found" in lowered


def passthrough(exc: Exception) -> bool:
    """Already one of the outbox's errors (raised by this module, not the library)."""
    return isinstance(exc, Blocked | Rejected | RetryAfter | Transient | Conflict | Unauthorized)


def _update_id(update: Any) -> str:
    """The update's own id, or one made from its content (an update without an id)."""
    if isinstance(update, dict) and isinstance(update.get("update_id"), int):
        return str(update["update_id"])
    digest = hashlib.sha256(json.dumps(update, sort_keys=True, default=str).encode())
    return "unread-" + digest.hexdigest()[:24]

