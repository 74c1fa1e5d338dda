"""No token, no message text and no names in any log, at any level.

The chat libraries log what they send and receive below WARNING (python-telegram-bot:
"Calling Bot API endpoint `sendMessage` with parameters {... 'text': ...}"; httpx: every URL,
and the token is part of every Bot API URL). ``install`` sets them to WARNING, whatever
``GIAMNGHEO_LOG_LEVEL`` says (it is for the bot's own loggers), and puts a record factory in
front of every logger: a library's record below WARNING is withheld even if a logger was set
lower afterwards, and the bot's tokens and webhook secret are blanked out of every record and
traceback that still holds them.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable, Iterable
from typing import Any

LIBRARIES = frozenset({"telegram", "httpx", "httpcore", "aiogram", "aiohttp", "hpack", "h11",
                       "h2"})
TOKEN = re.compile(r"\d{5,}:(?=[A-Za-z0-9_-]*[A-Za-z_-])[A-Za-z0-9_-]{16,}")
BLANK = "[token]"
WITHHELD = "%s: a library message below WARNING, withheld (it may hold a token or text)"


def install(secrets: Iterable[str | None] = ()) -> Callable[[], None]:
    """Make logging safe for this process; returns what undoes it (for tests)."""
    known = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)
    pattern = re.compile("|".join([*map(re.escape, known), TOKEN.pattern]))
    levels = {name: logging.getLogger(name).level for name in LIBRARIES}
    for name in LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return _safe(previous(*args, **kwargs), pattern)

    logging.setLogRecordFactory(factory)

    def undo() -> None:
        logging.setLogRecordFactory(previous)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)

    return undo


def _safe(record: logging.LogRecord, pattern: re.Pattern[str]) -> logging.LogRecord:
    if record.name.split(".")[0] in LIBRARIES and record.levelno < logging.WARNING:
        record.msg, record.args = WITHHELD, (record.name,)
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return record
    try:
        message = record.getMessage()
    except Exception:  # a malformed call: logging reports it itself, later
        return record
    if pattern.search(message):
        record.msg, record.args = pattern.sub(BLANK, message), ()
    if record.exc_info and record.exc_info[0] is not None:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if pattern.search(text):
            record.exc_text = pattern.sub(BLANK, text)
    if record.stack_info and pattern.search(record.stack_info):
        record.stack_info = pattern.sub(BLANK, record.stack_info)
    return record
