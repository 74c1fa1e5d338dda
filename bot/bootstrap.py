"""Wiring: settings → store → app. The one place that builds the real bot."""

from __future__ import annotations

import logging

from bot.base.clock import use_zone
from bot.base.i18n import parse_lang
from bot.base.settings import Settings, get_settings
from bot.core.app import App
from storage.repo import Store


def build_app(settings: Settings | None = None) -> App:
    settings = settings or get_settings()
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    use_zone(settings.timezone)
    store = Store.open(settings.database_url, demo=settings.demo_data)
    app = App(store, default_lang=parse_lang(settings.default_language))
    app.registry.dialog_timeout = app.registry.dialog_timeout.__class__(
        minutes=settings.dialog_timeout_minutes)
    return app
