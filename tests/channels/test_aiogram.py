"""Telegram through the real aiogram 3, against the fake Bot API server."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.telegram_aiogram import AiogramTelegram
from bot.core.app import App
from tests.channels import telegram_cases, telegram_receiving, telegram_sending
from tests.channels.fake_telegram import TOKEN, FakeTelegram
from tests.channels.harness import TelegramDriver, running, spy
from tests.channels.scenarios import SCENARIOS


def aiogram(fake: FakeTelegram) -> AiogramTelegram:
    return AiogramTelegram(TOKEN, fake.url)


@pytest.mark.parametrize("mode", ["polling", "webhook"])
@pytest.mark.parametrize("scenario", list(SCENARIOS))
async def test_scenario(scenario: str, mode: str, real_app: App, fake_telegram: FakeTelegram,
                        tmp_path: Path) -> None:
    seen = spy(real_app)
    async with running(real_app, aiogram(fake_telegram), mode, tmp_path):
        driver = TelegramDriver(fake_telegram, real_app.store, seen)
        await SCENARIOS[scenario](driver, real_app)


@pytest.mark.parametrize("case", list(telegram_cases.CASES))
async def test_telegram_case(case: str, real_app: App, fake_telegram: FakeTelegram,
                             tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    await telegram_cases.CASES[case](aiogram, real_app, fake_telegram, tmp_path, monkeypatch)


@pytest.mark.parametrize("case", list(telegram_receiving.CASES))
async def test_receiving(case: str, real_app: App, fake_telegram: FakeTelegram, tmp_path: Path,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    await telegram_receiving.CASES[case](aiogram, real_app, fake_telegram, tmp_path, monkeypatch)


@pytest.mark.parametrize("case", list(telegram_sending.CASES))
async def test_sending(case: str, real_app: App, fake_telegram: FakeTelegram, tmp_path: Path,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    await telegram_sending.CASES[case](aiogram, real_app, fake_telegram, tmp_path, monkeypatch)
