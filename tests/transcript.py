"""Golden transcripts: a conversation written as user lines and bot lines, kept in files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.base.messages import Outgoing
from bot.channels.terminal import render

GOLDEN = Path(__file__).parent / "golden"
RECEIPT = re.compile(r"\bBC-[A-Z0-9]{5}\b")  # random receipt codes


class Transcript:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def user(self, text: str) -> None:
        self.lines.append(f">>> {text}")

    def bot(self, replies: list[Outgoing]) -> None:
        for reply in replies:
            self.lines.append(render(reply))
        self.lines.append("")

    def check(self, name: str, request: pytest.FixtureRequest,
              mask: dict[str, str] | None = None) -> None:
        """Compare with tests/golden/NAME.txt; ``--update-goldens`` rewrites it.

        ``mask`` replaces values that differ from run to run (receipt codes, ...)."""
        path = GOLDEN / f"{name}.txt"
        text = "\n".join(self.lines).rstrip() + "\n"
        for value, placeholder in (mask or {}).items():
            text = text.replace(value, placeholder)
        text = RECEIPT.sub("BC-XXXXX", text)
        if request.config.getoption("--update-goldens") or not path.exists():
            path.write_text(text, encoding="utf-8")
            if not request.config.getoption("--update-goldens"):
                pytest.fail(f"golden {path.name} was missing and has been written; review it")
        assert text == path.read_text(encoding="utf-8"), f"transcript differs from {path}"
