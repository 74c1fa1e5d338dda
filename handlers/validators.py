"""Parsers for typed answers; each returns a JSON value or raises ``Invalid`` with a reason."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot.base.messages import Input, Location, Photo, Voice
from bot.core.dialog import Answers, Invalid
from bot.core.text import fold
from knowledge.amounts import parse_amount

MAX_MONEY = 10_000_000_000  # 10 billion đồng a month is not a typo we should store


def whole_number(low: int, high: int) -> Callable[[str, Answers], int]:
    """A whole number within [low, high]; "3 người" is read as 3, "1 OR 1=1" is refused."""

    def parse(text: str, _answers: Answers) -> int:
        match = re.fullmatch(r"(\d{1,9})\s*[a-z ]{0,20}", fold(text))
        if match is None:
            raise Invalid("validate.whole_number")
        value = int(match.group(1))
        if not low <= value <= high:
            raise Invalid("validate.range", low=low, high=high)
        return value

    return parse


def money(text: str, _answers: Answers) -> int:
    """Đồng as people write them: 1500000, 1.500.000, 1,5 triệu, 1tr5, 1 triệu rưỡi, 800k,
    800 nghìn, 2 củ (``knowledge.amounts``)."""
    value = parse_amount(text)
    if value is None or value > MAX_MONEY:
        raise Invalid("validate.money")
    return value


def evidence(inp: Input, answers: Answers) -> dict[str, Any]:
    """A photo, an album sent together (one piece of evidence) or a voice note."""
    if isinstance(inp, Photo) and inp.refs:
        return {"kind": "photo", "refs": list(inp.refs)}
    if isinstance(inp, Voice):
        return {"kind": "voice", "refs": [inp.ref]}
    raise Invalid("report.photo_expected")


def no_photo_typed(text: str, answers: Answers) -> Any:
    """Typed text is never a photo, whatever it says."""
    raise Invalid("report.photo_expected")


_LATLON = re.compile(r"^\s*(-?\d{1,2}(?:[.]\d+)?)\s*[,; ]\s*(-?\d{1,3}(?:[.]\d+)?)\s*$")


def _latlon(lat: float, lon: float) -> list[float]:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Invalid("report.location_expected")
    return [lat, lon]


def location(text: str, answers: Answers) -> list[float]:
    """Typed coordinates ("11.56, 108.99"), for phones that cannot share a location."""
    match = _LATLON.match(text)
    if match is None:
        raise Invalid("report.location_expected")
    return _latlon(float(match.group(1)), float(match.group(2)))


def shared_location(inp: Input, answers: Answers) -> list[float]:
    """A location shared with the platform's own button."""
    if not isinstance(inp, Location):
        raise Invalid("report.location_expected")
    return _latlon(inp.latitude, inp.longitude)
