"""A small dialog used to test the engine through the real app (not a product journey)."""

from __future__ import annotations

from typing import Any

from bot.channels.memory import MemoryChannel
from bot.core.dialog import Choice, Dialog, Doubtful, Effect, Step
from bot.core.router import Command, Journey
from handlers import build_registry
from handlers.validators import money, whole_number

SAVED: list[dict[str, Any]] = []


def people(text: str, answers) -> int:
    value = whole_number(1, 30)(text, answers)
    if value > 20:
        raise Doubtful(value, "dialog.unusual", value=value)
    return value


SURVEY = Dialog(
    name="survey",
    title="menu.help",
    steps=(
        Step("area", "language.choose", choices=(Choice("rural", "dialog.yes"),
                                                 Choice("urban", "dialog.no"))),
        Step("people", "validate.whole_number", parse=people),
        Step("income", "validate.money", parse=money, skippable=True),
    ),
    summary=lambda answers, t: f"SUMMARY {sorted(answers.items())}",
    effects=lambda answers: (Effect("save_survey", dict(answers)),),
)


def registry_with_survey():
    def save(ctx, effect):
        SAVED.append(dict(effect.data))
        return []

    registry = build_registry()
    registry.add(Journey(
        commands=(Command(("khaosat", "survey"), lambda ctx, _: ctx.start_dialog("survey"),
                          dialog="survey"),),
        dialog=lambda: SURVEY, effects={"save_survey": save}))
    return registry


def state_of(bot: MemoryChannel) -> dict[str, Any] | None:
    from sqlmodel import select

    from storage.models import Conversation

    with bot.app.store.session() as s:
        query = select(Conversation).where(Conversation.external_user_id == bot.key.user_id)
        conv = s.exec(query).first()
        return conv.dialog if conv else None
