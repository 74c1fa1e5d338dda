"""Journeys register their commands, button actions, dialogs and effects, each with the roles
that may use it; the core checks the role before anything runs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.base.messages import Button, Input, Outgoing, Press, Role, Text
from bot.core import dialog as engine
from bot.core.context import Context, Handler
from bot.core.text import fold

ALL_ROLES = frozenset(Role)
STAFF = frozenset({Role.COLLABORATOR, Role.OFFICER, Role.ADMIN})
OFFICIALS = frozenset({Role.OFFICER, Role.ADMIN})
COLLABORATORS = frozenset({Role.COLLABORATOR})


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


@dataclass(frozen=True)
class Action:
    """What a button with data ``prefix:arg`` does, and who may press it."""

    prefix: str
    run: Handler
    roles: frozenset[Role] = ALL_ROLES


EffectHandler = Callable[[Context, engine.Effect], list[Outgoing]]
# What a dialog step needs from the database to read its answer (the engine stays pure):
# called with the answers so far and the input, returns answers to add before the step.
Lookup = Callable[[Context, engine.Answers, Input], engine.Answers]


@dataclass(frozen=True)
class Journey:
    """One user journey (a file of ``handlers``): what it adds to the bot."""

    commands: tuple[Command, ...] = ()
    actions: tuple[Action, ...] = ()
    dialog: Callable[[], engine.Dialog] | None = None  # built once, when registered
    effects: Mapping[str, EffectHandler] = field(default_factory=dict)
    lookups: Mapping[str, Lookup] = field(default_factory=dict)  # by step key of the dialog


@dataclass
class Registry:
    commands: list[Command] = field(default_factory=list)
    actions: dict[str, Action] = field(default_factory=dict)
    dialogs: dict[str, engine.Dialog] = field(default_factory=dict)
    dialog_roles: dict[str, frozenset[Role]] = field(default_factory=dict)
    effects: dict[str, EffectHandler] = field(default_factory=dict)
    lookups: dict[tuple[str, str], Lookup] = field(default_factory=dict)  # (dialog, step)
    fallback: Handler | None = None  # free text outside a dialog
    inbox: Callable[[Context], list[Outgoing]] | None = None  # notices shown before replies
    dialog_timeout: timedelta = timedelta(hours=24)

    def add(self, journey: Journey) -> None:
        """Register a journey; a name or button prefix used twice is a programming error."""
        for command in journey.commands:
            taken = [n for n in command.names if self.command(n) is not None]
            assert not taken, f"command {taken} registered twice"
            self.commands.append(command)
        for action in journey.actions:
            assert action.prefix not in self.actions, f"action {action.prefix} twice"
            self.actions[action.prefix] = action
        self.effects.update(journey.effects)
        if journey.dialog is not None:
            built = journey.dialog()
            self.dialogs[built.name] = built
            starters = [c.roles for c in journey.commands if c.dialog == built.name]
            starters += [a.roles for a in journey.actions]
            self.dialog_roles[built.name] = frozenset().union(*starters) or ALL_ROLES
            self.lookups.update({(built.name, k): f for k, f in journey.lookups.items()})

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


def resolve(inp: Input, shown: list[list[Any]]) -> Input:
    """A button's number or its exact label (accents optional), typed while the button was
    shown, is that button's press; every other input stays what it is.

    Numbers press buttons only where the buttons are the answer; where a step wants a
    number typed (household size, income), its back/skip buttons are pressed by label.
    ``shown`` holds [label, data, numbered] of the buttons last shown in this chat.
    """
    if not isinstance(inp, Text):
        return inp
    text = inp.text
    numbered = [b for b in shown if b[2]]
    if text.isascii() and text.isdigit() and 1 <= int(text) <= len(numbered):
        return Press(numbered[int(text) - 1][1])
    folded = fold(text)
    for label, data, _ in shown:
        if folded and fold(label) == folded:
            return Press(data)
    return inp
