"""The webhook: check the secret, store the update, answer 2xx once it is stored (503 while
the database is away, so the platform delivers it again). Acknowledging the update (answering
a press) runs beside, after the answer: the platform never waits for it."""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.channels.platform import Platform, RawUpdate

Store = Callable[[RawUpdate], Awaitable[bool]]
MAX_BODY = 4 * 1024 * 1024


def handler(platform: Platform, secret: str,
            store: Store) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    expected = secret.encode()

    async def handle(request: web.Request) -> web.StreamResponse:
        given = request.headers.get(platform.secret_header, "").encode()
        if not hmac.compare_digest(given, expected):
            return web.Response(status=401)
        try:
            body = json.loads(await request.read())
        except ValueError:
            return web.Response(status=400)
        update = platform.from_webhook(body) if isinstance(body, dict) else None
        if update is None:
            return web.Response(status=200)  # nothing for the bot; do not redeliver
        return web.Response(status=200 if await store(update) else 503)

    return handle


async def serve(path: str, listen: str, handle: Callable[[web.Request],
                Awaitable[web.StreamResponse]]) -> web.AppRunner:
    host, _, port = listen.rpartition(":")
    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_post(path, handle)
    app.router.add_get("/healthz", _healthz)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host or "127.0.0.1", int(port)).start()
    return runner


async def _healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok")
