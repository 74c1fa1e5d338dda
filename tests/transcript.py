"""Golden transcripts: a conversation written as user lines and bot lines, kept in files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.terminal import render
from bot.messages import Outgoing

GOLDEN = Path(__file__).parent / "golden"


class Transcript:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def user(self, text: str) -> None:
        self.lines.append(f">>> {text}")

    def bot(self, replies: list[Outgoing]) -> None:
        for reply in replies:
            self.lines.append(render(reply))
        self.lines.append("")

    def check(self, name: str, request: pytest.FixtureRequest) -> None:
        """Compare with tests/golden/NAME.txt; ``--update-goldens`` rewrites it."""
        path = GOLDEN / f"{name}.txt"
        text = "\n".join(self.lines).rstrip() + "\n"
        if request.config.getoption("--update-goldens") or not path.exists():
            path.write_text(text, encoding="utf-8")
            if not request.config.getoption("--update-goldens"):
                pytest.fail(f"golden {path.name} was missing and has been written; review it")
        assert text == path.read_text(encoding="utf-8"), f"transcript differs from {path}"
