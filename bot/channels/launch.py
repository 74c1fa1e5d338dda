"""``giamngheo run --channel ...``: settings → app → platform adapter → runtime.

Adapters are imported here, lazily, so ``giamngheo --help`` and the terminal chat never pay
for importing python-telegram-bot or aiogram.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import TYPE_CHECKING

from bot.base.settings import Settings
from bot.channels.platform import Platform
from scheduler.limits import Limits

if TYPE_CHECKING:
    from bot.channels.runtime import Runtime

CHANNELS = ("telegram", "telegram-aiogram", "zalo")


class LaunchError(SystemExit):
    def __init__(self, message: str) -> None:
        super().__init__(f"giamngheo run: {message}")


def make_platform(channel: str, settings: Settings) -> Platform:
    if channel in {"telegram", "telegram-ptb", "telegram-aiogram"}:
        if not settings.telegram_token:
            raise LaunchError("set GIAMNGHEO_TELEGRAM_TOKEN (from @BotFather)")
        if channel == "telegram-aiogram":
            from bot.channels.telegram_aiogram import AiogramTelegram

            return AiogramTelegram(settings.telegram_token, settings.telegram_base_url)
        from bot.channels.telegram_ptb import PtbTelegram

        return PtbTelegram(settings.telegram_token, settings.telegram_base_url)
    if channel == "zalo":
        if not settings.zalo_token:
            raise LaunchError("set GIAMNGHEO_ZALO_TOKEN (from the Zalo Bot console)")
        from bot.channels.zalo import ZaloPlatform

        return ZaloPlatform(settings.zalo_token, settings.zalo_base_url)
    raise LaunchError(f"unknown channel {channel!r}; choose one of {', '.join(CHANNELS)}")


def limits_for(channel: str, settings: Settings) -> Limits:
    if channel == "zalo":
        return Limits(rate_per_s=settings.zalo_rate_per_s,
                      chat_interval_s=settings.chat_interval_s,
                      monthly_cap=settings.zalo_monthly_cap)
    return Limits(rate_per_s=settings.telegram_rate_per_s,
                  chat_interval_s=settings.chat_interval_s)


def check_secret(channel: str, secret: str | None) -> None:
    """Telegram: 1-256 of ``A-Z a-z 0-9 _ -``; Zalo: 8-256 characters."""
    if secret is None:
        return  # a random secret is made for this run and given to the platform
    low = 8 if channel == "zalo" else 1
    if not low <= len(secret) <= 256 or not re.fullmatch(r"[A-Za-z0-9_-]+", secret):
        raise LaunchError(f"GIAMNGHEO_WEBHOOK_SECRET must have {low}-256 characters "
                          "of A-Z a-z 0-9 _ -")


def runtime_for(channel: str, settings: Settings, webhook: str | None = None) -> Runtime:
    """The bot as ``giamngheo run`` builds it: the app with the network channels' flood gate,
    logging made safe (no token, text or name at any level), the platform and its limits."""
    from bot.bootstrap import build_app
    from bot.channels import logsafe
    from bot.channels.runtime import Runtime
    from bot.core.flood import FloodGate

    platform = make_platform(channel, settings)
    check_secret(channel, settings.webhook_secret)
    if webhook is not None and not webhook.startswith("https://"):
        raise LaunchError("--webhook must be a public https:// URL")
    app = build_app(settings, flood=FloodGate())
    logsafe.install([settings.telegram_token, settings.zalo_token, settings.webhook_secret])
    return Runtime(app, platform, limits_for(channel, settings),
                   media_dir=Path(settings.media_dir), poll_timeout=settings.poll_timeout_s)


def launch(channel: str, webhook: str | None, listen: str) -> None:
    settings = Settings()  # read once, here, and handed down
    runtime = runtime_for(channel, settings, webhook)
    asyncio.run(runtime.serve(webhook, listen, settings.webhook_secret))
