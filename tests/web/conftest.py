"""A demo world (two communes, work waiting in both) for the dashboard's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.security.world import World, build_world


@pytest.fixture
def world(tmp_path: Path) -> World:
    return build_world(tmp_path)
