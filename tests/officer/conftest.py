"""Officers' fixtures: exports and charts written under the test's own directory."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def export_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The apps of these tests read GIAMNGHEO_EXPORT_DIR when they are made."""
    out = tmp_path / "out"
    monkeypatch.setenv("GIAMNGHEO_EXPORT_DIR", str(out))
    return out
