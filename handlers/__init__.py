"""User journeys, one file each; ``build_registry`` puts them together for the core.

A journey module may define COMMANDS, EFFECTS, ACTIONS (button data "prefix:arg"), and a
dialog (NAME and build(), with LOOKUPS for steps that need the database). They are imported
when the registry is built."""

from __future__ import annotations

from importlib import import_module

from bot.core.router import Registry

# In menu order: each role's own work comes first anyway (see Registry.menu).
JOURNEYS = ("citizen", "selfassess", "report", "household", "approvals", "questions",
            "overview", "export", "broadcast", "onboarding", "mute", "start", "link")


def build_registry() -> Registry:
    from handlers import citizen, notify

    registry = Registry(fallback=citizen.answer, inbox=notify.inbox)
    for name in JOURNEYS:
        journey = import_module(f"handlers.{name}")
        registry.commands += getattr(journey, "COMMANDS", [])
        registry.effects.update(getattr(journey, "EFFECTS", {}))
        registry.actions.update(getattr(journey, "ACTIONS", {}))
        registry.lookups.update(getattr(journey, "LOOKUPS", {}))
        if hasattr(journey, "build"):
            registry.dialogs[journey.NAME] = journey.build()
    return registry
