"""Telegram through aiogram 3 (``giamngheo run --channel telegram-aiogram``).

The library makes every Bot API call (``Bot`` with ``AiohttpSession(api=TelegramAPIServer
.from_base(...))``); getUpdates is the library's request with a raw JSON answer
(``RawGetUpdates``), read update by update (``TelegramCommon.raw``), never validated as a
whole batch (aiogram fails the batch, and polling, for one update it cannot validate: its
issue 1840). The polling loop, the webhook server and the send pacing are the runtime's and
the outbox's, exactly as with python-telegram-bot.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram import exceptions as ag
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods.base import TelegramMethod
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    FSInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)

from bot.channels.telegram_common import (
    ALLOWED_UPDATES,
    POLL_MARGIN_S,
    SEND_TIMEOUT_S,
    Keyboard,
    TelegramCommon,
    api_root,
    describe,
    is_gone,
    passthrough,
)
from scheduler.transport import (
    Blocked,
    Conflict,
    Rejected,
    RetryAfter,
    Transient,
    Unauthorized,
    Unsure,
)

NOT_SENT = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)


class RawGetUpdates(TelegramMethod[list[dict[str, Any]]]):
    """getUpdates, its answer kept as JSON objects (read one by one by the adapter)."""

    __returning__ = list[dict[str, Any]]
    __api_method__ = "getUpdates"

    offset: int | None = None
    timeout: int | None = None
    allowed_updates: list[str] | None = None


class AiogramTelegram(TelegramCommon):
    def __init__(self, token: str, base_url: str = "https://api.telegram.org/bot",
                 connections: int = 16) -> None:
        server = TelegramAPIServer.from_base(api_root(base_url))
        session = AiohttpSession(api=server, limit=connections, timeout=SEND_TIMEOUT_S)
        self.bot = Bot(token, session=session)

    async def start(self) -> None:
        try:
            await self.bot.get_me()  # a wrong token fails here
        except Exception as exc:
            raise self.error(exc) from None

    async def close(self) -> None:
        await self.bot.session.close()

    async def fetch_updates(self, offset: int | None, timeout: int) -> Any:
        method = RawGetUpdates(offset=offset, timeout=timeout, allowed_updates=ALLOWED_UPDATES)
        return await self.bot(method, request_timeout=int(timeout + POLL_MARGIN_S))

    async def set_webhook(self, url: str, secret: str) -> None:
        try:
            await self.bot.set_webhook(url=url, secret_token=secret,
                                       allowed_updates=ALLOWED_UPDATES)
        except Exception as exc:
            raise self.error(exc) from None

    async def delete_webhook(self) -> None:
        try:
            await self.bot.delete_webhook(drop_pending_updates=False)
        except Exception as exc:
            raise self.error(exc) from None

    async def download(self, ref: str) -> bytes:
        try:
            file = await self.bot.get_file(ref)
            if not file.file_path:
                raise Rejected("the file has no path to download")
            data = await self.bot.download_file(file.file_path, timeout=int(SEND_TIMEOUT_S))
        except Exception as exc:
            raise self.error(exc) from None
        return data.read() if data is not None else b""

    async def set_commands(self, menu: list[tuple[str, str]], chat_id: str | None,
                           language: str | None) -> None:
        scope = BotCommandScopeChat(chat_id=int(chat_id)) if chat_id else None
        commands = [BotCommand(command=c, description=d) for c, d in menu]
        await self.bot.set_my_commands(commands=commands, scope=scope, language_code=language)

    async def answer(self, query_id: str) -> None:
        await self.bot.answer_callback_query(query_id)

    async def send_text(self, chat: str, text: str, keyboard: Keyboard) -> str:
        sent = await self.bot.send_message(chat, text, reply_markup=markup(keyboard))
        return str(sent.message_id)

    async def edit(self, chat: str, message_id: int, text: str) -> str:
        await self.bot.edit_message_text(text=text, chat_id=chat, message_id=message_id)
        return str(message_id)

    async def send_file(self, kind: str, chat: str, path: Path, caption: str | None,
                        keyboard: Keyboard) -> str:
        upload = FSInputFile(path)
        if kind == "photo":
            sent = await self.bot.send_photo(chat, upload, caption=caption,
                                             reply_markup=markup(keyboard))
        else:
            sent = await self.bot.send_document(chat, upload, caption=caption,
                                                reply_markup=markup(keyboard))
        return str(sent.message_id)

    def error(self, exc: Exception) -> Exception:
        if passthrough(exc):
            return exc
        if isinstance(exc, ag.TelegramRetryAfter):
            return RetryAfter(exc.retry_after)
        if isinstance(exc, ag.TelegramUnauthorizedError | ag.TelegramNotFound):
            return Unauthorized("the token was rejected")
        if isinstance(exc, ag.TelegramConflictError):
            return Conflict(describe(exc))
        if isinstance(exc, ag.TelegramForbiddenError):
            return Blocked(describe(exc))
        if isinstance(exc, ag.TelegramBadRequest | ag.TelegramEntityTooLarge):
            gone = is_gone(exc.message)
            return Blocked(describe(exc)) if gone else Rejected(describe(exc))
        if isinstance(exc, ag.TelegramMigrateToChat):
            return Rejected(describe(exc))
        if isinstance(exc, ag.TelegramNetworkError) and not isinstance(exc.__cause__, NOT_SENT):
            return Unsure(describe(exc))  # sent, but no answer came back (or cut short)
        return Transient(describe(exc))


def markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    rows = [[InlineKeyboardButton(text=c["text"], callback_data=c["callback_data"]) for c in row]
            for row in keyboard]
    return InlineKeyboardMarkup(inline_keyboard=rows)
