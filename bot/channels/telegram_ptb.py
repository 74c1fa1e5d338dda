"""Telegram through python-telegram-bot (``giamngheo run --channel telegram``).

The library builds the bot (``ApplicationBuilder().base_url(...)``) and makes every Bot API
call; getUpdates comes back as raw JSON (``Bot.do_api_request``) and is read update by update
(``TelegramCommon.raw``), never by the library's batch parser, which fails a whole batch for
one update it cannot read (and logs the batch, names and texts, at CRITICAL). The polling
loop, the webhook server and all sending pacing are the runtime's and the outbox's, so that
an update is confirmed only after it is stored and the rate limits are enforced in exactly
one place (no ``AIORateLimiter`` here).
"""

from __future__ import annotations

import datetime as dtm
import os
import warnings
from pathlib import Path
from typing import Any

import httpx
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)
from telegram import error as tg
from telegram.ext import ApplicationBuilder
from telegram.warnings import PTBUserWarning

from bot.channels.telegram_common import (
    ALLOWED_UPDATES,
    CONNECT_TIMEOUT_S,
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

# getUpdates as raw JSON on purpose (see the module's docstring): not a mistake to warn about
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.getUpdates'", category=PTBUserWarning)
SENT_UNANSWERED = (httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.ReadError)


class PtbTelegram(TelegramCommon):
    def __init__(self, token: str, base_url: str = "https://api.telegram.org/bot",
                 connections: int = 16) -> None:
        os.environ.setdefault("PTB_TIMEDELTA", "true")  # durations as timedelta (PTB 22.2+)
        root = api_root(base_url)
        self.application = (
            ApplicationBuilder().token(token)
            .base_url(f"{root}/bot").base_file_url(f"{root}/file/bot")
            .updater(None).job_queue(None)
            .connection_pool_size(connections).pool_timeout(30.0)
            .read_timeout(SEND_TIMEOUT_S).write_timeout(SEND_TIMEOUT_S)
            .media_write_timeout(SEND_TIMEOUT_S).connect_timeout(CONNECT_TIMEOUT_S)
            .get_updates_connect_timeout(CONNECT_TIMEOUT_S)
            .get_updates_write_timeout(CONNECT_TIMEOUT_S)
            .build()
        )
        self.bot = self.application.bot

    async def start(self) -> None:
        try:
            await self.application.initialize()  # calls getMe: a wrong token fails here
        except Exception as exc:  # InvalidToken's message holds the token: never shown
            raise self.error(exc) from None

    async def close(self) -> None:
        await self.application.shutdown()

    async def fetch_updates(self, offset: int | None, timeout: int) -> Any:
        params: dict[str, Any] = {"timeout": timeout, "allowed_updates": ALLOWED_UPDATES}
        if offset is not None:
            params["offset"] = offset
        return await self.bot.do_api_request("getUpdates", api_kwargs=params,
                                             read_timeout=timeout + POLL_MARGIN_S)

    async def set_webhook(self, url: str, secret: str) -> None:
        try:
            await self.bot.set_webhook(url, secret_token=secret,
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
            return bytes(await file.download_as_bytearray())
        except Exception as exc:
            raise self.error(exc) from None

    async def set_commands(self, menu: list[tuple[str, str]], chat_id: str | None,
                           language: str | None) -> None:
        scope = BotCommandScopeChat(int(chat_id)) if chat_id else None
        await self.bot.set_my_commands([BotCommand(c, d) for c, d in menu], scope=scope,
                                       language_code=language)

    async def answer(self, query_id: str) -> None:
        await self.bot.answer_callback_query(query_id)

    async def send_text(self, chat: str, text: str, keyboard: Keyboard) -> str:
        sent = await self.bot.send_message(chat, text, reply_markup=markup(keyboard))
        return str(sent.message_id)

    async def edit(self, chat: str, message_id: int, text: str) -> str:
        await self.bot.edit_message_text(text, chat_id=chat, message_id=message_id)
        return str(message_id)

    async def send_file(self, kind: str, chat: str, path: Path, caption: str | None,
                        keyboard: Keyboard) -> str:
        if kind == "photo":
            sent = await self.bot.send_photo(chat, path, caption=caption,
                                             reply_markup=markup(keyboard))
        else:
            sent = await self.bot.send_document(chat, path, caption=caption,
                                                reply_markup=markup(keyboard))
        return str(sent.message_id)

    def error(self, exc: Exception) -> Exception:
        if passthrough(exc):
            return exc
        if isinstance(exc, tg.RetryAfter):
            return RetryAfter(retry_seconds(exc))
        if isinstance(exc, tg.InvalidToken):
            return Unauthorized("the token was rejected")
        if isinstance(exc, tg.Conflict):
            return Conflict(describe(exc))
        if isinstance(exc, tg.Forbidden):
            return Blocked(describe(exc))
        if isinstance(exc, tg.BadRequest):  # before NetworkError, its base class
            return Blocked(describe(exc)) if is_gone(exc.message) else Rejected(describe(exc))
        if isinstance(exc, tg.ChatMigrated):
            return Rejected(describe(exc))
        if isinstance(exc.__cause__, SENT_UNANSWERED):  # sent, but no answer came back
            return Unsure(describe(exc))
        return Transient(describe(exc))


def retry_seconds(exc: tg.RetryAfter) -> float:
    value: Any = exc.retry_after  # a timedelta with PTB_TIMEDELTA, else seconds
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(c["text"], callback_data=c["callback_data"])
                                  for c in row] for row in keyboard])
