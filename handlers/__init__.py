"""User journeys, one file each, registered here explicitly with their roles (see
``bot.core.router.Journey``); ``build_registry`` puts them together for the core."""

from __future__ import annotations

from bot.core.router import Registry
from handlers import (
    approvals,
    broadcast,
    citizen,
    export,
    finder,
    household,
    link,
    mute,
    mydata,
    notify,
    onboarding,
    overview,
    questions,
    redact,
    report,
    selfassess,
    start,
    web,
)

# In menu order: each role's own work comes first anyway (see Registry.menu).
JOURNEYS = (citizen.JOURNEY, finder.JOURNEY, selfassess.JOURNEY, report.JOURNEY,
            household.JOURNEY, approvals.JOURNEY, questions.JOURNEY, overview.JOURNEY,
            export.JOURNEY, broadcast.JOURNEY, web.JOURNEY, onboarding.JOURNEY, mute.JOURNEY,
            start.JOURNEY, link.JOURNEY, mydata.JOURNEY, redact.PHOTO_JOURNEY,
            redact.QUESTION_JOURNEY)


def build_registry() -> Registry:
    registry = Registry(fallback=finder.fallback, inbox=notify.inbox)
    for journey in JOURNEYS:
        registry.add(journey)
    return registry
