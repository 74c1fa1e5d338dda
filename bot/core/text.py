"""Cleaning what users type before anything else sees it."""

from __future__ import annotations

import unicodedata
from typing import Any

from rapidfuzz import fuzz, process

from knowledge import normalize

MAX_INPUT = 1000  # characters; longer messages are refused politely, nothing is changed


def clean_input(text: str) -> str:
    """NFC, no control or format characters (newlines become spaces), trimmed."""
    text = unicodedata.normalize("NFC", text)
    kept = []
    for ch in text:
        if ch in "\n\r\t":
            kept.append(" ")
        elif unicodedata.category(ch)[0] != "C":
            kept.append(ch)
    return " ".join("".join(kept).split())


def fold(text: str) -> str:
    """Lower-case, accent-free (NFD, combining marks dropped, đ→d), single-spaced."""
    return " ".join(normalize.fold(text).split())


def parse_id(text: str) -> int | None:
    """A database id from button data: ASCII digits only, within a 64-bit integer."""
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)


def closest(query: str, named: list[list[Any]], limit: int, cutoff: float) -> list[list[Any]]:
    """The [id, name] pairs whose names are closest to ``query``, accents and typos forgiven
    (rapidfuzz WRatio on folded text), best first."""
    names = {item_id: fold(name) for item_id, name in named}
    found = process.extract(fold(query), names, scorer=fuzz.WRatio, limit=limit,
                            score_cutoff=cutoff)
    shown = dict(named)
    return [[item_id, shown[item_id]] for _, _, item_id in found]
