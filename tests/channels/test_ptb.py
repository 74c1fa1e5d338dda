"""Telegram through the real python-telegram-bot, against the fake Bot API server."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.telegram_ptb import PtbTelegram
from bot.core.app import App
from tests.channels import telegram_cases
from tests.channels.fake_telegram import TOKEN, FakeTelegram
from tests.channels.harness import TelegramDriver, running, spy
from tests.channels.scenarios import SCENARIOS


def ptb(fake: FakeTelegram) -> PtbTelegram:
    return PtbTelegram(TOKEN, fake.url)


@pytest.mark.parametrize("mode", ["polling", "webhook"])
@pytest.mark.parametrize("scenario", list(SCENARIOS))
async def test_scenario(scenario: str, mode: str, real_app: App, fake_telegram: FakeTelegram,
                        tmp_path: Path) -> None:
    seen = spy(real_app)
    async with running(real_app, ptb(fake_telegram), mode, tmp_path):
        driver = TelegramDriver(fake_telegram, real_app.store, seen)
        await SCENARIOS[scenario](driver, real_app)


@pytest.mark.parametrize("case", list(telegram_cases.CASES))
async def test_telegram_case(case: str, real_app: App, fake_telegram: FakeTelegram,
                             tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    await telegram_cases.CASES[case](ptb, real_app, fake_telegram, tmp_path, monkeypatch)
