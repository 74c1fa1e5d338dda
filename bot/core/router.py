"""Commands, buttons and free text to handlers; dialogs get what is meant for them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.base.messages import Button, Outgoing, Role
from bot.core import dialog as engine
from bot.core.context import Context, Handler
from bot.core.text import fold

ALL_ROLES = frozenset(Role)


@dataclass(frozen=True)
class Command:
    names: tuple[str, ...]  # Vietnamese first, then English aliases, without "/"
    run: Handler
    roles: frozenset[Role] = ALL_ROLES
    label: str | None = None  # menu button (translation key); None: not in the menu
    help: str | None = None  # help line (translation key)
    dialog: str | None = None  # the dialog this command starts, if any

    @property
    def name(self) -> str:
        return self.names[0]


EffectHandler = Callable[[Context, engine.Effect], list[Outgoing]]
# What a dialog step needs from the database to read its answer (the engine stays pure):
# called with the answers so far and the input, returns answers to add before the step.
Lookup = Callable[[Context, engine.Answers, str], engine.Answers]


@dataclass
class Registry:
    commands: list[Command] = field(default_factory=list)
    dialogs: dict[str, engine.Dialog] = field(default_factory=dict)
    effects: dict[str, EffectHandler] = field(default_factory=dict)
    actions: dict[str, Handler] = field(default_factory=dict)  # button data "prefix:arg"
    fallback: Handler | None = None  # free text outside a dialog
    inbox: Callable[[Context], list[Outgoing]] | None = None  # notices shown before replies
    lookups: dict[tuple[str, str], Lookup] = field(default_factory=dict)  # (dialog, step)
    dialog_timeout: timedelta = timedelta(hours=24)

    def command(self, name: str) -> Command | None:
        name = name.lower().split("@")[0]
        return next((c for c in self.commands if name in c.names), None)

    def starter(self, dialog: str) -> str | None:
        """The command that starts ``dialog`` (to start it over), if any."""
        return next((c.name for c in self.commands if c.dialog == dialog), None)

    def menu(self, role: Role, t: Callable[[str], str]) -> tuple[Button, ...]:
        """The role's own work first (commands not open to everyone), then the rest."""
        mine = [c for c in self.commands if c.label and role in c.roles]
        mine.sort(key=lambda c: c.roles == ALL_ROLES)
        return tuple(Button(t(c.label), f"cmd:{c.name}") for c in mine if c.label)


def resolve(text: str, callback: str | None, shown: list[list[Any]]) -> str:
    """A pressed button, a button's number or its exact label (accents optional) → its data.

    Numbers press buttons only where the buttons are the answer; where a step wants a
    number typed (household size, income), its back/skip buttons are pressed by label.
    ``shown`` holds [label, data, numbered] of the buttons last shown in this chat.
    """
    if callback is not None:
        return callback
    numbered = [b for b in shown if b[2]]
    if text.isascii() and text.isdigit() and 1 <= int(text) <= len(numbered):
        return numbered[int(text) - 1][1]
    folded = fold(text)
    for label, data, _ in shown:
        if folded and fold(label) == folded:
            return data
    return text
