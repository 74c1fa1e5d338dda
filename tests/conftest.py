"""Shared fixtures: a real app over a fresh SQLite file, a fixed clock, memory-channel bots."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.channels.memory import MemoryChannel
from bot.core.app import App
from handlers import build_registry
from storage.repo import Store

PG_URL = os.environ.get("GIAMNGHEO_TEST_PG_URL", "postgresql+psycopg://root@127.0.0.1:5432/test")


def pg_available() -> bool:
    from sqlalchemy import create_engine

    from storage.db import normalise_url

    try:
        with create_engine(normalise_url(PG_URL), connect_args={"connect_timeout": 3}).connect():
            return True
    except Exception:
        return False


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A throwaway PostgreSQL schema; skipped with the reason only when no server answers
    (and failed instead when GIAMNGHEO_REQUIRE_PG is set, as in CI)."""
    from sqlalchemy import text

    from storage.db import make_engine

    if not pg_available():
        if os.environ.get("GIAMNGHEO_REQUIRE_PG"):
            pytest.fail(f"GIAMNGHEO_REQUIRE_PG is set but no PostgreSQL answers at {PG_URL}")
        pytest.skip(f"no PostgreSQL server answers at {PG_URL}")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true",
                     help="rewrite golden transcripts instead of comparing them")


class FakeClock:
    """Time stands still until a test moves it."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 09:00 in Ninh Thuận

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def store(db_url: str) -> Store:
    return Store.open(db_url)


@pytest.fixture
def app(store: Store, clock: FakeClock) -> App:
    return App(store, build_registry(), clock=clock)


@pytest.fixture
def make_bot(app: App) -> Callable[..., MemoryChannel]:
    def make(user: str = "nguoidan-demo", language: str | None = None) -> MemoryChannel:
        return MemoryChannel(app, user, language)

    return make


@pytest.fixture
def bot(make_bot: Callable[..., MemoryChannel]) -> MemoryChannel:
    return make_bot()


@pytest.fixture
def survey_bot(store: Store, clock: FakeClock) -> MemoryChannel:
    """The engine's test dialog (/khaosat) on the real app."""
    from tests.survey import SAVED, registry_with_survey

    SAVED.clear()
    return MemoryChannel(App(store, registry_with_survey(), clock=clock), "nguoidan-demo")
