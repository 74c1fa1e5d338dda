"""Fixtures for the channel tests: a real app (real clock), fake platforms on loopback."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.app import App
from storage.db import make_engine, normalise_url
from storage.repo import Store
from tests.channels.fake_telegram import FakeTelegram, Limits
from tests.channels.fake_zalo import FakeZalo
from tests.conftest import PG_URL


@pytest.fixture
def real_app(tmp_path: Path) -> App:
    return App(Store.open(f"sqlite:///{tmp_path / 'bot.db'}"))


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


def pg_available() -> bool:
    try:
        engine = create_engine(normalise_url(PG_URL), connect_args={"connect_timeout": 3})
        with engine.connect():
            return True
    except Exception:
        return False


@pytest.fixture
def pg_store() -> Iterator[Store]:
    """A store in a throwaway PostgreSQL schema (skipped only when no server answers)."""
    if not pg_available():
        if os.environ.get("GIAMNGHEO_REQUIRE_PG"):
            pytest.fail(f"GIAMNGHEO_REQUIRE_PG is set but no PostgreSQL answers at {PG_URL}")
        pytest.skip(f"no PostgreSQL server answers at {PG_URL}")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield Store.open(f"{PG_URL}?options=-csearch_path%3D{schema}")
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
