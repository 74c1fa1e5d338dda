"""HTTP plumbing of the fake Bot API server: reading parameters, writing replies."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from aiohttp import web


class ApiError(Exception):
    def __init__(self, code: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def caption_of(p: dict[str, Any]) -> dict[str, Any]:
    caption = p.get("caption")
    if caption and units(str(caption)) > 1024:
        raise ApiError(400, "Bad Request: message caption is too long")
    return {"caption": caption} if caption else {}


def check_markup(markup: dict[str, Any]) -> None:
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if not button.get("text") or (data is not None
                                          and not 1 <= len(data.encode()) <= 64):
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


JSON_FIELDS = ("reply_markup", "allowed_updates", "commands", "scope")


async def params_of(request: web.Request) -> dict[str, Any]:
    """JSON, url-encoded or multipart (files as bytes), plus the query string."""
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        params.update(await request.json())
    elif request.method == "POST":
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                params[key] = value.file.read()
                params[f"_filename_{key}"] = value.filename
            else:
                params[key] = value
    for key in JSON_FIELDS:
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    for key, value in list(params.items()):  # attach://name points at another part
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = params.get(value.removeprefix("attach://"))
            params[f"_filename_{key}"] = params.get(f"_filename_{value[9:]}")
    return params


def reply(error: ApiError | None = None, result: Any = None) -> web.Response:
    if error is None:
        return web.json_response({"ok": True, "result": _public(result)})
    body: dict[str, Any] = {"ok": False, "error_code": error.code,
                            "description": error.description}
    if error.parameters:
        body["parameters"] = error.parameters
    return web.json_response(body, status=error.code)


def _public(result: Any) -> Any:
    if isinstance(result, dict):
        return {k: v for k, v in result.items() if k not in {"bytes", "edited"}}
    return result


async def post_update(session: aiohttp.ClientSession, url: str, update: dict[str, Any],
                secret: str) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    try:
        async with session.post(url, json=update, headers=headers) as resp:
            return resp.status
    except aiohttp.ClientError:
        return 599

