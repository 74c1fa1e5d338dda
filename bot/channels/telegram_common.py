"""What both Telegram adapters share (SDK-free): update ids and offsets, reading updates,
answering presses, and turning an outbox payload into the right Bot API call."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

from bot.base.messages import Incoming
from bot.channels.common import press_echo
from bot.channels.pipeline import RawUpdate
from bot.channels.updates import slim_telegram, telegram_incoming
from scheduler.outbox import Blocked, Rejected, RetryAfter, Transient
from scheduler.render import TELEGRAM, Payload
from storage.models import OutboxMessage

ALLOWED_UPDATES = ["message", "callback_query"]
Keyboard = list[list[dict[str, str]]] | None


def api_root(base_url: str) -> str:
    """``https://api.telegram.org/bot`` (the setting, python-telegram-bot style) → the
    server's root ``https://api.telegram.org`` (aiogram's ``TelegramAPIServer.from_base``)."""
    return base_url.rstrip("/").removesuffix("/bot")


class TelegramCommon(ABC):
    channel = "telegram"
    profile = TELEGRAM
    secret_header = "X-Telegram-Bot-Api-Secret-Token"

    # Receiving ----------------------------------------------------------------------------

    def raw(self, update: Payload) -> RawUpdate:
        return RawUpdate(str(update["update_id"]), slim_telegram(update))

    def next_offset(self, batch: list[RawUpdate], offset: int | None) -> int | None:
        """getUpdates confirms everything below the offset it is called with."""
        return max(int(u.update_id) for u in batch) + 1 if batch else offset

    def from_webhook(self, body: Payload) -> RawUpdate | None:
        if not isinstance(body.get("update_id"), int):
            return None
        return self.raw(body)

    def incoming(self, update: RawUpdate) -> Incoming | None:
        return telegram_incoming(update.payload)

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
        if query:
            await self.answer(str(query["id"]))

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
    return isinstance(exc, Blocked | Rejected | RetryAfter | Transient)
