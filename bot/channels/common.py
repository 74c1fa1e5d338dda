"""SDK-free pieces the platform adapters share: the text a pressed message is edited to, and
the command menu for setMyCommands. Payload rendering itself is ``scheduler.render``."""

from __future__ import annotations

import re
from typing import Any

from bot.base.i18n import t
from bot.base.messages import Lang, Role
from scheduler.render import split_text, units

COMMAND_MAX = 100  # setMyCommands: at most 100 commands
COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


def press_echo(label: str, message_text: str, limit: int) -> str:
    """The text a pressed message is edited to: its own text and the choice made."""
    suffix = f"\n\n✓ {label}"
    return split_text(message_text, limit - units(suffix))[0] + suffix


def command_menu(commands: list[Any], role: Role, lang: Lang) -> list[tuple[str, str]]:
    """(command, description) pairs for setMyCommands: the role's commands in its language."""
    menu: list[tuple[str, str]] = []
    for command in commands:
        if not command.help or role not in command.roles:
            continue
        name = command.names[-1] if lang is Lang.EN else command.names[0]
        if not COMMAND_NAME.fullmatch(name):
            continue
        menu.append((name, t(lang, command.help)[:256] or name))
    return menu[:COMMAND_MAX]
