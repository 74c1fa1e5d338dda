"""A send waits for its answer longer than the platform takes to give one (or to give up):
a slow answer is an answer, not a timeout followed by a second copy. The libraries' own
defaults were shorter (python-telegram-bot 5 s, aiogram 60 s, the Zalo client 30 s)."""

from __future__ import annotations

import inspect

from bot.channels.telegram_aiogram import AiogramTelegram
from bot.channels.telegram_ptb import PtbTelegram
from bot.channels.zalo import ZaloClient
from tests.channels.fake_telegram import TOKEN

PLATFORM_ANSWER_S = 60.0  # Telegram waits 60 s for a webhook; the slowest answers seen: 63 s


async def test_sends_wait_longer_than_the_platform_answers() -> None:
    ptb = PtbTelegram(TOKEN, "http://127.0.0.1:9/bot")
    aiogram = AiogramTelegram(TOKEN, "http://127.0.0.1:9/bot")
    try:
        assert ptb.bot.request.read_timeout is not None
        assert ptb.bot.request.read_timeout > PLATFORM_ANSWER_S + 5
        assert aiogram.bot.session.timeout > PLATFORM_ANSWER_S + 5
        timeout = inspect.signature(ZaloClient.call).parameters["timeout"].default
        assert timeout > PLATFORM_ANSWER_S + 5
    finally:
        await aiogram.close()
