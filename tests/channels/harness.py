"""Drive the real bot on a fake platform as its users would, and wait for it to settle.

"Settled" is read from the database, not from a clock: the update is processed and no
reply to that chat is still waiting in the outbox.
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import func, select

from bot.base.messages import ConversationKey, Incoming, Text
from bot.channels.pipeline import Platform
from bot.channels.runtime import Runtime
from bot.core.app import App
from scheduler.limits import Limits
from storage.models import InboundUpdate, OutboxMessage, OutboxStatus
from storage.repo import Store
from tests.channels.fake_telegram import FakeTelegram
from tests.channels.fake_zalo import FakeZalo

SETTLE_TIMEOUT = 60.0  # a guard against hanging, not a speed requirement
PAYLOADS = Path(__file__).parent / "payloads"
E2E_LIMITS = Limits(rate_per_s=25, chat_interval_s=0.25, lease_s=30, backoff_s=0.2)


@dataclass
class Reply:
    text: str
    buttons: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


def spy(app: App) -> list[Incoming]:
    """Record what reaches the core (each step once, even when a race made it run again)."""
    seen: list[Incoming] = []
    step = app.step

    def recording(tx: Any, msg: Incoming) -> Any:
        if msg not in seen:
            seen.append(msg)
        return step(tx, msg)

    app.step = recording  # type: ignore[method-assign]
    return seen


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def running(app: App, platform: Platform, mode: str, tmp: Path,
                  limits: Limits = E2E_LIMITS, **kw: Any) -> AsyncIterator[Runtime]:
    runtime = Runtime(app, platform, limits, media_dir=tmp / "media", poll_timeout=5, **kw)
    if mode == "webhook":
        port = free_port()
        await runtime.start(f"http://127.0.0.1:{port}/hook", f"127.0.0.1:{port}",
                            "s3cret-for-tests")
    else:
        await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.stop()


async def settle(store: Store, channel: str, update_id: str, chat_id: str,
                 guard: float = SETTLE_TIMEOUT) -> None:
    """The update is processed (or set aside) and nothing to its chat is still queued."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + guard
    while True:
        with store.session() as s:
            status = s.exec(select(InboundUpdate.status).where(
                InboundUpdate.channel == channel, InboundUpdate.update_id == update_id)).first()
            waiting = s.exec(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.channel == channel, OutboxMessage.chat_id == chat_id,
                OutboxMessage.status == OutboxStatus.PENDING)).one()
        if status in {"done", "set_aside"} and waiting == 0:  # UpdateStatus values
            return
        assert loop.time() < deadline, f"the bot did not settle on update {update_id}"
        await asyncio.sleep(0.02)


async def eventually(check: Callable[[], Any], what: str, guard: float = SETTLE_TIMEOUT) -> Any:
    """Wait until ``check()`` is true (polled: a guard against hanging, not a speed test)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + guard
    while not (found := check()):
        assert loop.time() < deadline, f"{what}: not within {guard:.0f} s"
        await asyncio.sleep(0.02)
    return found


def payload(name: str) -> Any:
    """A platform payload kept under tests/channels/payloads (see its README)."""
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def as_user(update: dict[str, Any], user: str) -> dict[str, Any]:
    """A Telegram fixture sent by ``user``: its private chat and sender get the user's id;
    the fake gives it a fresh update id."""
    update = copy.deepcopy(update)
    update.pop("update_id", None)
    part = next(v for k, v in update.items() if isinstance(v, dict))
    for holder in (part, part.get("message") or {}):
        if (holder.get("chat") or {}).get("type") == "private":
            holder["chat"]["id"] = int(user)
        if "from" in holder:
            holder["from"]["id"] = int(user)
    return update

def terminal_code(app: App, handle: str) -> str:
    """A link code issued on the terminal to a demo user (as they would type /lienket)."""
    replies = app.handle(Incoming(ConversationKey("terminal", handle, handle), Text("/lienket")))
    match = re.search(r"\b([A-Z0-9]{6})\b", replies[0].text)
    assert match, replies[0].text
    return match.group(1)


class TelegramDriver:
    channel = "telegram"

    def __init__(self, fake: FakeTelegram, store: Store, seen: list[Incoming]) -> None:
        self.fake, self.store, self.seen = fake, store, seen
        self._ids = iter(range(10_000, 10_000_000))

    def _user(self, user: str) -> dict[str, Any]:
        return {"id": int(user), "is_bot": False, "first_name": "An", "language_code": "vi"}

    def _message(self, user: str, **content: Any) -> dict[str, Any]:
        return {"message_id": next(self._ids), "date": 1_773_000_000, "from": self._user(user),
                "chat": {"id": int(user), "type": "private", "first_name": "An"}, **content}

    async def _send(self, user: str, update: dict[str, Any]) -> list[Reply]:
        before = len(self.fake.chats.get(user, []))
        update_id = await self.fake.push(update)
        await settle(self.store, self.channel, str(update_id), user)
        return [_tg_reply(m) for m in self.fake.chats.get(user, [])[before:]]

    async def send_update(self, user: str, update: dict[str, Any]) -> list[Reply]:
        """A whole update (a fixture, say) from ``user``; the replies to their chat."""
        return await self._send(user, update)

    async def say(self, user: str, text: str) -> list[Reply]:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            content["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(text.split()[0])}]
        return await self._send(user, {"message": self._message(user, **content)})

    async def press(self, user: str, label: str) -> list[Reply]:
        for msg in reversed(self.fake.chats.get(user, [])):
            for row in msg.get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"] == label or button["text"].startswith(label):
                        return await self.tap(user, msg, button["callback_data"])
        raise LookupError(f"no button {label!r}")

    async def tap(self, user: str, msg: dict[str, Any], data: str) -> list[Reply]:
        query_id = str(next(self._ids))
        self.fake.queries.add(query_id)
        shown = {k: v for k, v in msg.items() if k not in {"bytes", "edited"}}
        query = {"id": query_id, "from": self._user(user), "chat_instance": "c1", "data": data,
                 "message": shown}
        return await self._send(user, {"callback_query": query})

    async def photo(self, user: str, caption: str, data: bytes) -> list[Reply]:
        file_id = f"AgAC-photo-{next(self._ids)}"
        self.fake.files[file_id] = data
        sizes = [{"file_id": file_id + "-small", "file_unique_id": "s", "width": 90,
                  "height": 90},
                 {"file_id": file_id, "file_unique_id": "b", "width": 1280, "height": 960,
                  "file_size": len(data)}]
        content: dict[str, Any] = {"photo": sizes, **({"caption": caption} if caption else {})}
        return await self._send(user, {"message": self._message(user, **content)})

    async def location(self, user: str, lat: float, lon: float) -> list[Reply] | None:
        location = {"latitude": lat, "longitude": lon}
        return await self._send(user, {"message": self._message(user, location=location)})


def _tg_reply(msg: dict[str, Any]) -> Reply:
    rows = msg.get("reply_markup", {}).get("inline_keyboard", [])
    return Reply(msg.get("text") or msg.get("caption") or "",
                 [b["text"] for row in rows for b in row], msg)


NUMBERED = re.compile(r"^(\d+)\. (.+)$")


class ZaloDriver:
    channel = "zalo"

    def __init__(self, fake: FakeZalo, store: Store, seen: list[Incoming]) -> None:
        self.fake, self.store, self.seen = fake, store, seen
        self._files = 0

    async def _send(self, user: str, event: str, **content: Any) -> list[Reply]:
        before = len(self.fake.chats.get(user, []))
        update_id = await self.fake.push(event, user, **content)
        await settle(self.store, self.channel, update_id, user)
        return [_zalo_reply(m) for m in self.fake.chats.get(user, [])[before:]]

    async def say(self, user: str, text: str) -> list[Reply]:
        return await self._send(user, "message.text.received", text=text)

    async def send_update(self, user: str, update: dict[str, Any]) -> list[Reply]:
        """A Zalo event (a fixture) as ``user`` sends it, with a fresh message id."""
        update = copy.deepcopy(update)
        self._files += 1
        message = update["message"]
        message["message_id"] = f"{message['message_id']}-{self._files}"
        message["chat"]["id"] = message["from"]["id"] = user
        before = len(self.fake.chats.get(user, []))
        update_id = await self.fake.push_raw(update)
        await settle(self.store, self.channel, update_id, user)
        return [_zalo_reply(m) for m in self.fake.chats.get(user, [])[before:]]

    async def press(self, user: str, label: str) -> list[Reply]:
        """Type the button's number (the label where a number is typed instead)."""
        for msg in reversed(self.fake.chats.get(user, [])):
            for line in str(msg.get("text", "")).splitlines():
                found = NUMBERED.match(line)
                if found and found.group(2).startswith(label):
                    return await self.say(user, found.group(1))
                if line == f"[{label}]":
                    return await self.say(user, label)
        raise LookupError(f"no button {label!r}")

    async def photo(self, user: str, caption: str, data: bytes) -> list[Reply]:
        self._files += 1
        url = self.fake.photo_url(f"p{self._files}.jpg", data)
        extra = {"caption": caption} if caption else {}
        return await self._send(user, "message.image.received", photo_url=url, **extra)

    async def location(self, user: str, lat: float, lon: float) -> list[Reply] | None:
        return None  # Zalo's bot platform delivers no locations


def _zalo_reply(msg: dict[str, Any]) -> Reply:
    text = str(msg.get("text") or msg.get("caption") or "")
    labels = [m.group(2) for line in text.splitlines() if (m := NUMBERED.match(line))]
    labels += [line[1:-1] for line in text.splitlines() if line.startswith("[")
               and line.endswith("]")]
    return Reply(text, labels, msg)


Driver = TelegramDriver | ZaloDriver
Factory = Callable[..., Platform]
