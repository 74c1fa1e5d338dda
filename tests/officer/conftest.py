"""Officers' fixtures: exports and charts written under the test's own directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.base.settings import get_settings


@pytest.fixture(autouse=True)
def export_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    out = tmp_path / "out"
    monkeypatch.setenv("GIAMNGHEO_EXPORT_DIR", str(out))
    get_settings.cache_clear()
    yield out
    get_settings.cache_clear()
