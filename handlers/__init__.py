"""User journeys, one file each; ``build_registry`` puts them together for the core."""

from __future__ import annotations

from bot.router import Registry
from handlers import (
    approvals,
    citizen,
    household,
    link,
    notify,
    onboarding,
    questions,
    report,
    selfassess,
    start,
)


def build_registry() -> Registry:
    registry = Registry(fallback=citizen.answer, inbox=notify.inbox)
    registry.commands += citizen.COMMANDS
    registry.actions.update(citizen.ACTIONS)
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
    registry.commands += approvals.COMMANDS
    registry.dialogs[approvals.NAME] = approvals.build()
    registry.effects.update(approvals.EFFECTS)
    registry.actions.update(approvals.ACTIONS)
    registry.commands += questions.COMMANDS
    registry.dialogs[questions.NAME] = questions.build()
    registry.effects.update(questions.EFFECTS)
    registry.actions.update(questions.ACTIONS)
    registry.commands += onboarding.COMMANDS
    registry.dialogs[onboarding.NAME] = onboarding.build()
    registry.effects.update(onboarding.EFFECTS)
    registry.commands += start.COMMANDS
    registry.commands += link.COMMANDS
    return registry
