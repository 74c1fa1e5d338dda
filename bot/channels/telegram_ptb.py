"""Telegram through python-telegram-bot (``giamngheo run --channel telegram``).

The library builds the bot (``ApplicationBuilder().base_url(...)``), parses updates and makes
every Bot API call; the polling loop, the webhook server and all sending pacing are the
runtime's and the outbox's, so that an update is confirmed only after it is stored and the
rate limits are enforced in exactly one place (no ``AIORateLimiter`` here).
"""

from __future__ import annotations

import datetime as dtm
import json
import os
from pathlib import Path
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)
from telegram import error as tg
from telegram.ext import ApplicationBuilder

from bot.channels.pipeline import RawUpdate
from bot.channels.telegram_common import (
    ALLOWED_UPDATES,
    Keyboard,
    TelegramCommon,
    api_root,
    describe,
    is_gone,
    passthrough,
)
from scheduler.outbox import Blocked, Rejected, RetryAfter, Transient


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
            .build()
        )
        self.bot = self.application.bot

    async def start(self) -> None:
        await self.application.initialize()  # calls getMe: a wrong token fails here

    async def close(self) -> None:
        await self.application.shutdown()

    async def poll(self, offset: int | None, timeout: int) -> list[RawUpdate]:
        updates = await self.bot.get_updates(offset=offset, timeout=timeout,
                                              allowed_updates=ALLOWED_UPDATES)
        return [self.raw(json.loads(u.to_json())) for u in updates]

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)

    async def delete_webhook(self) -> None:
        await self.bot.delete_webhook(drop_pending_updates=False)

    async def download(self, ref: str) -> bytes:
        file = await self.bot.get_file(ref)
        return bytes(await file.download_as_bytearray())

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
        if isinstance(exc, tg.Forbidden):
            return Blocked(describe(exc))
        if isinstance(exc, tg.BadRequest):  # before NetworkError, its base class
            return Blocked(describe(exc)) if is_gone(exc.message) else Rejected(describe(exc))
        if isinstance(exc, tg.ChatMigrated):
            return Rejected(describe(exc))
        return Transient(describe(exc))


def retry_seconds(exc: tg.RetryAfter) -> float:
    value: Any = exc.retry_after  # a timedelta with PTB_TIMEDELTA, else seconds
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(c["text"], callback_data=c["callback_data"])
                                  for c in row] for row in keyboard])
