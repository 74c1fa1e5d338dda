"""Telegram through the real python-telegram-bot, against the fake Bot API server."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.telegram_ptb import PtbTelegram
from bot.core.app import App
from tests.channels import telegram_cases, telegram_receiving, telegram_sending
from tests.channels.fake_telegram import TOKEN, FakeTelegram
from tests.channels.faults import Slow
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


@pytest.mark.parametrize("case", list(telegram_receiving.CASES))
async def test_receiving(case: str, real_app: App, fake_telegram: FakeTelegram, tmp_path: Path,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    await telegram_receiving.CASES[case](ptb, real_app, fake_telegram, tmp_path, monkeypatch)


@pytest.mark.parametrize("case", list(telegram_sending.CASES))
async def test_sending(case: str, real_app: App, fake_telegram: FakeTelegram, tmp_path: Path,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    await telegram_sending.CASES[case](ptb, real_app, fake_telegram, tmp_path, monkeypatch)


async def test_a_slow_answer_is_one_message_not_two(real_app: App, fake_telegram: FakeTelegram,
                                                    tmp_path: Path) -> None:
    """python-telegram-bot's default read timeout is 5 s: a sendMessage answered after 6 s
    was taken for a failure and sent again (the platform had the first)."""
    fake_telegram.faults.plan("sendMessage", Slow(6.0))
    async with running(real_app, ptb(fake_telegram), "polling", tmp_path):
        replies = await TelegramDriver(fake_telegram, real_app.store,
                                       spy(real_app)).say("741", "/start")
    sent = [m["text"] for m in fake_telegram.chats["741"]]
    assert replies[0].text.startswith("Xin chào") and len(sent) == len(set(sent))
