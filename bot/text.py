"""Cleaning what users type before anything else sees it."""

from __future__ import annotations

import unicodedata

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
