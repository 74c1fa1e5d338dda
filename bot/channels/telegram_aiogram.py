"""Telegram through aiogram 3 (``giamngheo run --channel telegram-aiogram``).

The library makes every Bot API call (``Bot`` with ``AiohttpSession(api=TelegramAPIServer
.from_base(...))``) and parses updates; the polling loop, the webhook server and the send
pacing are the runtime's and the outbox's, exactly as with python-telegram-bot.
"""

from __future__ import annotations

from pathlib import Path

from aiogram import Bot
from aiogram import exceptions as ag
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    FSInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)

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


class AiogramTelegram(TelegramCommon):
    def __init__(self, token: str, base_url: str = "https://api.telegram.org/bot",
                 connections: int = 16) -> None:
        server = TelegramAPIServer.from_base(api_root(base_url))
        self.bot = Bot(token, session=AiohttpSession(api=server, limit=connections))

    async def start(self) -> None:
        await self.bot.get_me()  # a wrong token fails here

    async def close(self) -> None:
        await self.bot.session.close()

    async def poll(self, offset: int | None, timeout: int) -> list[RawUpdate]:
        updates = await self.bot.get_updates(offset=offset, timeout=timeout,
                                             allowed_updates=ALLOWED_UPDATES,
                                             request_timeout=timeout + 10)
        return [self.raw(u.model_dump(mode="json", exclude_none=True, by_alias=True))
                for u in updates]

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.bot.set_webhook(url=url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)

    async def delete_webhook(self) -> None:
        await self.bot.delete_webhook(drop_pending_updates=False)

    async def download(self, ref: str) -> bytes:
        file = await self.bot.get_file(ref)
        if not file.file_path:
            raise ValueError("the file has no path to download")
        data = await self.bot.download_file(file.file_path)
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
        if isinstance(exc, ag.TelegramForbiddenError):
            return Blocked(describe(exc))
        if isinstance(exc, ag.TelegramBadRequest | ag.TelegramEntityTooLarge):
            gone = is_gone(exc.message)
            return Blocked(describe(exc)) if gone else Rejected(describe(exc))
        if isinstance(exc, ag.TelegramMigrateToChat):
            return Rejected(describe(exc))
        return Transient(describe(exc))


def markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    rows = [[InlineKeyboardButton(text=c["text"], callback_data=c["callback_data"]) for c in row]
            for row in keyboard]
    return InlineKeyboardMarkup(inline_keyboard=rows)
