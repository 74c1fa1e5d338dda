"""User journeys, one file each; ``build_registry`` puts them together for the core."""

from __future__ import annotations

from bot.router import Registry
from handlers import household, report, selfassess, start


def build_registry() -> Registry:
    registry = Registry()
    registry.commands += selfassess.COMMANDS
    registry.dialogs[selfassess.NAME] = selfassess.build()
    registry.effects.update(selfassess.EFFECTS)
    registry.commands += report.COMMANDS
    registry.dialogs[report.NAME] = report.build()
    registry.effects.update(report.EFFECTS)
    registry.actions.update(report.ACTIONS)
    registry.commands += household.COMMANDS
    registry.dialogs[household.NAME] = household.build()
    registry.effects.update(household.EFFECTS)
    registry.commands += start.COMMANDS
    return registry
