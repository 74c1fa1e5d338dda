"""The fake Telegram server in its own process, with a gate for the crash test.

    python -m tests.channels.gated_fake HOLD_AFTER   # prints its base URL; -1: no gate

No rate limits (nothing is ever answered 429). Every ``sendMessage`` is recorded (chat id,
text) the moment it is accepted. With a gate, the answers to every message after the first
``HOLD_AFTER`` are held back: the platform has the message, the bot never hears so, exactly
the window in which a crash repeats a message. The sender ends up with all its in-flight
slots taken by held messages and sends nothing more, so the test can kill it at a known
point without watching a clock.

Control routes: ``GET /_fake/sent`` (every accepted message, in order), ``POST /_fake/open``
(lift the gate and let the held answers go).
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from aiohttp import web

from tests.channels.fake_remote import RemoteFakeTelegram
from tests.channels.fake_telegram import Limits


class GatedFakeTelegram(RemoteFakeTelegram):
    def __init__(self, hold_after: int | None) -> None:
        super().__init__(Limits(per_second=None, chat_interval=None))
        self.hold_after = hold_after
        self.sent: list[tuple[str, str]] = []
        self.opened = asyncio.Event()

    def routes(self, app: web.Application) -> None:
        super().routes(app)
        app.router.add_get("/_fake/sent", self._control_sent)
        app.router.add_post("/_fake/open", self._control_open)

    async def _control_sent(self, request: web.Request) -> web.Response:
        return web.json_response({"sent": self.sent})

    async def _control_open(self, request: web.Request) -> web.Response:
        self.hold_after = None
        self.opened.set()
        return web.json_response({"held": 0})

    async def m_sendMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        msg = await super().m_sendMessage(p)
        self.sent.append((str(p["chat_id"]), str(msg["text"])))
        if self.hold_after is not None and len(self.sent) > self.hold_after:
            await self.opened.wait()  # accepted, but the answer is held back
        return msg


async def serve(hold_after: int | None) -> None:
    fake = GatedFakeTelegram(hold_after)
    print(await fake.start(), flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    hold = int(sys.argv[1])
    asyncio.run(serve(hold if hold >= 0 else None))
