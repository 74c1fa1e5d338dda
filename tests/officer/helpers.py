"""Shared helpers of the officers' tests: local times, users by handle, outbox rows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from storage.models import Identity, OutboxMessage, User
from tests.transcript import RECEIPT, Transcript

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(text: str) -> datetime:
    """A local (Ninh Thuận) time as the UTC instant the clock holds."""
    return datetime.fromisoformat(text).replace(tzinfo=VN).astimezone(UTC)


def user_id(app, handle: str) -> int:
    with app.store.session() as s:
        return s.exec(select(User.id).where(User.handle == handle)).one()


def add_account(app, handle: str, channel: str = "telegram", external: str = "555") -> int:
    uid = user_id(app, handle)
    with app.store.session() as s:
        s.add(Identity(channel=channel, external_id=external, user_id=uid))
    return uid


def outbox(app, prefix: str = "") -> list[OutboxMessage]:
    with app.store.session() as s:
        rows = s.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
        return [r for r in rows if (r.dedup_key or "").startswith(prefix)]


GOLDEN = Path(__file__).parent / "golden"


def check_golden(script: Transcript, name: str, request: pytest.FixtureRequest,
                 mask: dict[str, str]) -> None:
    """Like ``Transcript.check``, for the officers' transcripts in tests/officer/golden."""
    text = "\n".join(script.lines).rstrip() + "\n"
    for value, placeholder in mask.items():
        text = text.replace(value, placeholder)
    text = RECEIPT.sub("BC-XXXXX", text)
    path = GOLDEN / f"{name}.txt"
    if request.config.getoption("--update-goldens") or not path.exists():
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not request.config.getoption("--update-goldens"):
            pytest.fail(f"golden {path.name} was missing and has been written; review it")
    assert text == path.read_text(encoding="utf-8"), f"transcript differs from {path}"
