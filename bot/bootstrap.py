"""Wiring: settings → store → app. The one place that builds the real bot."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.base.clock import use_zone
from bot.base.i18n import parse_lang
from bot.base.settings import Settings
from bot.core.app import App
from bot.core.env import Env
from bot.core.flood import FloodGate
from handlers import build_registry
from storage.repo import Store


def build_store(settings: Settings) -> Store:
    """Logging, the local time zone and the store (migrated, seeded): what every process
    needs, the chat's app or not (the web dashboard)."""
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    use_zone(settings.timezone)
    return Store.open(settings.database_url, demo=settings.demo_data)


def build_app(settings: Settings | None = None, flood: FloodGate | None = None) -> App:
    """The real bot: the settings are read here once (environment, ``.env``) and handed
    down; nothing below reads them again. ``flood``: the network channels' flood gate (the
    terminal has none)."""
    settings = settings or Settings()
    store = build_store(settings)
    registry = build_registry()
    registry.dialog_timeout = timedelta(minutes=settings.dialog_timeout_minutes)
    return App(store, registry, env=Env.load(settings),
               default_lang=parse_lang(settings.default_language), flood=flood)
