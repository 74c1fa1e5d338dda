"""What a platform adapter provides the pipeline and the runtime (SDK-free), and the update
as received."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.base.messages import Incoming
from scheduler.render import Payload, Profile
from scheduler.transport import Transport


@dataclass(frozen=True)
class RawUpdate:
    update_id: str
    payload: Payload
    chat_id: str | None = None
    group: str | None = None  # the album it is part of
    problem: str | None = None  # why it cannot be read: it is stored set aside


@dataclass(frozen=True)
class Pending:
    row_id: int
    attempts: int
    update: RawUpdate
    hold_until: datetime | None


class Platform(Transport, Protocol):
    """What an adapter provides; each method translates, nothing else."""

    channel: str
    profile: Profile
    secret_header: str

    async def start(self) -> None: ...
    async def close(self) -> None: ...
    async def poll(self, offset: int | None, timeout: int) -> list[RawUpdate]: ...
    def next_offset(self, batch: list[RawUpdate], offset: int | None) -> int | None: ...
    def from_webhook(self, body: Payload) -> RawUpdate | None: ...
    async def set_webhook(self, url: str, secret: str) -> None: ...
    async def delete_webhook(self) -> None: ...
    def incoming(self, update: RawUpdate) -> Incoming | None: ...
    def presence(self, update: RawUpdate) -> tuple[str, bool] | None: ...
    def echo(self, update: RawUpdate) -> Payload | None: ...
    async def acknowledge(self, update: RawUpdate) -> None: ...
    async def download(self, ref: str) -> bytes: ...
    async def set_commands(self, menu: list[tuple[str, str]], chat_id: str | None,
                           language: str | None) -> None: ...


