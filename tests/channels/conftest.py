"""Fixtures for the channel tests: a real app (real clock), fake platforms on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.app import App
from handlers import build_registry
from storage.repo import Store
from tests.channels.fake_telegram import FakeTelegram, Limits
from tests.channels.fake_zalo import FakeZalo


@pytest.fixture
def real_app(tmp_path: Path) -> App:
    return App(Store.open(f"sqlite:///{tmp_path / 'bot.db'}"), build_registry())


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram(Limits(per_second=30, chat_interval=0.2))
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def fake_zalo() -> AsyncIterator[FakeZalo]:
    fake = FakeZalo(replay=True)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def pg_store(pg_url: str) -> Store:
    """A store in a throwaway PostgreSQL schema (tests/conftest.py: skipped only when no
    server answers, failed instead when GIAMNGHEO_REQUIRE_PG is set)."""
    return Store.open(pg_url)
