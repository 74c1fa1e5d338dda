"""The fake Telegram server run alone, in its own process, driven over HTTP (the fan-out
benchmark: a remote service whose timing does not share the bot's interpreter).

    python -m tests.channels.fake_remote PER_SECOND CHAT_INTERVAL   # prints its base URL
"""

from __future__ import annotations

import asyncio
import sys

from aiohttp import web

from tests.channels.fake_telegram import FakeTelegram, Limits


class RemoteFakeTelegram(FakeTelegram):
    def routes(self, app: web.Application) -> None:
        app.router.add_post("/_fake/push", self._control_push)
        app.router.add_get("/_fake/wait", self._control_wait)
        app.router.add_get("/_fake/stats", self._control_stats)

    async def _control_push(self, request: web.Request) -> web.Response:
        return web.json_response({"update_id": await self.push(await request.json())})

    async def _control_wait(self, request: web.Request) -> web.Response:
        """Wait until the bot has sent more than ``after`` messages to ``chat``."""
        chat, after = request.query["chat"], int(request.query["after"])
        for _ in range(6000):  # at most about 30 s
            if len(self.chats.get(chat, [])) > after:
                break
            await asyncio.sleep(0.005)
        return web.json_response({"count": len(self.chats.get(chat, []))})

    async def _control_stats(self, request: web.Request) -> web.Response:
        texts = {c: [m.get("text") for m in msgs] for c, msgs in self.chats.items()}
        return web.json_response({"accepted": self.stats.accepted, "texts": texts,
                                  "rejected_429": self.stats.rejected_429,
                                  "reasons_429": self.stats.reasons_429})



async def serve(per_second: int, chat_interval: float) -> None:
    fake = RemoteFakeTelegram(Limits(per_second, chat_interval))
    print(await fake.start(), flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), float(sys.argv[2])))
