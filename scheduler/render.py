"""Replies become outbox payloads, cut to each platform's limits (SDK-free).

A payload is a small JSON object, one per platform message, already cut to the platform's
limits: ``{"kind": "text"|"photo"|"document"|"edit", "text": ..., "keyboard": ..., ...}``.
Telegram gets inline keyboards; Zalo, which has none, gets numbered lines the core accepts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.base.i18n import t
from bot.base.messages import Button, Lang, Outgoing

log = logging.getLogger("giamngheo.delivery")

CALLBACK_MAX_BYTES = 64  # Telegram: callback_data is 1-64 bytes
INDEX_PREFIX = "i:"  # oversize data: the press is resolved by the button's label instead
Payload = dict[str, Any]


@dataclass(frozen=True)
class Profile:
    """What a platform can show: text limit, caption limit, native buttons, file uploads."""

    text_limit: int
    caption_limit: int
    native_buttons: bool
    uploads: bool


TELEGRAM = Profile(text_limit=4096, caption_limit=1024, native_buttons=True, uploads=True)
ZALO = Profile(text_limit=2000, caption_limit=2000, native_buttons=False, uploads=False)


def units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, limit: int) -> int:
    """Index of the last character that keeps ``text[:index]`` within ``limit`` units."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit:
            return i
    return len(text)


def _break_at(text: str, hard: int) -> int:
    """The best place to cut ``text`` at or before ``hard``: a paragraph, a line or a
    sentence end if one is past the first third, else the last space; a word is cut only
    when it alone is longer than the limit."""
    at_space = hard < len(text) and text[hard].isspace()
    window = text[:hard + 1] if at_space else text[:hard]
    for sep in ("\n\n", "\n", ". "):
        at = window.rfind(sep)
        if at > hard // 3:
            return at + len(sep.rstrip())
    at = max(window.rfind(" "), window.rfind("\n"), window.rfind("\t"))
    return at if at > 0 else hard


def split_text(text: str, limit: int) -> list[str]:
    """Cut a long text into parts of at most ``limit`` units: at a paragraph, a line, a
    sentence or a word where possible, never inside a character."""
    parts: list[str] = []
    rest = text.strip()
    while units(rest) > limit:
        cut = _break_at(rest, _cut(rest, limit))
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not parts:
        parts.append(rest)
    return parts


def callback_data(button: Button, index: int) -> str:
    """The button's data when it fits in 64 bytes; otherwise ``i:<index>`` (the press is then
    turned back into the button's label, which the core accepts like a press)."""
    if 0 < len(button.data.encode("utf-8")) <= CALLBACK_MAX_BYTES:
        return button.data
    log.warning("button data of %d bytes replaced by its index", len(button.data.encode()))
    return f"{INDEX_PREFIX}{index}"


def keyboard(buttons: tuple[Button, ...]) -> list[list[dict[str, str]]]:
    """Inline keyboard rows: short labels two to a row, long ones alone."""
    rows: list[list[dict[str, str]]] = []
    for i, button in enumerate(buttons):
        cell = {"text": button.label, "callback_data": callback_data(button, i)}
        short = len(button.label) <= 16
        if rows and short and len(rows[-1]) == 1 and len(rows[-1][0]["text"]) <= 16:
            rows[-1].append(cell)
        else:
            rows.append([cell])
    return rows


def numbered(reply: Outgoing) -> str:
    """Buttons as text (as on the terminal): "1. label", or "[label]" where a number is typed."""
    lines = [f"{i}. {b.label}" if reply.numbered else f"[{b.label}]"
             for i, b in enumerate(reply.buttons, 1)]
    return "\n".join(lines)


def render(reply: Outgoing, profile: Profile, lang: Lang = Lang.VI) -> list[Payload]:
    """One reply → the platform messages that show it, in order."""
    text = reply.text
    markup = keyboard(reply.buttons) if profile.native_buttons and reply.buttons else None
    if reply.buttons and not profile.native_buttons:
        text = f"{text}\n\n{numbered(reply)}" if text else numbered(reply)
    files = [("photo", reply.image_path), ("document", reply.document_path)]
    payloads: list[Payload] = []
    for kind, path in files:
        if path is None:
            continue
        if not profile.uploads and not path.startswith(("http://", "https://")):
            text = f"{text}\n\n{t(lang, f'channels.{kind}_unavailable')}".strip()
            continue
        payloads.append({"kind": kind, "path": path, "caption": None, "keyboard": None})
    last = payloads[-1] if payloads else None
    if last is not None and text and units(text) <= profile.caption_limit:
        last.update(caption=text, keyboard=markup)
        return payloads
    parts = split_text(text, profile.text_limit) if text or not payloads else []
    for i, part in enumerate(parts):
        final = i == len(parts) - 1
        payloads.append({"kind": "text", "text": part, "keyboard": markup if final else None})
    return payloads
