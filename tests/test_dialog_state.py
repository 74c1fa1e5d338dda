"""A dialog's saved state against a form that changed since, and against a changed role."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlmodel import select

from bot.base.i18n import Tr
from bot.base.messages import Lang, Role
from bot.core import dialog as engine
from bot.core.dialog import Choice, Dialog, Effect, Step
from bot.core.state import DialogState
from storage.models import Conversation, User
from tests.survey import SURVEY, registry_with_survey
from tests.test_report import DA5, talk

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def chat_state(app, user: str) -> dict | None:
    with app.store.session() as s:
        conv = s.exec(select(Conversation).where(Conversation.external_user_id == user)).one()
        return conv.dialog


def set_state(app, user: str, state: dict | None) -> None:
    with app.store.session() as s:
        conv = s.exec(select(Conversation).where(Conversation.external_user_id == user)).one()
        conv.dialog = state
        s.add(conv)


TR = Tr(Lang.VI)


def test_the_state_round_trips_as_json_with_the_forms_revision() -> None:
    started = engine.start(SURVEY, NOW, TR)
    assert started.state is not None and started.state.revision == SURVEY.revision
    assert DialogState.from_json(started.state.to_json()) == started.state


def test_a_renamed_step_changes_the_revision_and_a_kept_step_does_not() -> None:
    renamed = replace(SURVEY, steps=(SURVEY.steps[0], replace(SURVEY.steps[1], key="persons"),
                                     SURVEY.steps[2]))
    assert renamed.revision != SURVEY.revision
    same = Dialog(SURVEY.name, SURVEY.title, SURVEY.steps, SURVEY.summary, SURVEY.effects)
    assert same.revision == SURVEY.revision


def test_refit_keeps_the_answers_that_still_fit() -> None:
    state = DialogState("survey", "income", {"area": "rural", "people": 4, "_ctx": 1},
                        ("area", "people"), NOW, NOW, "old")
    renamed = replace(SURVEY, steps=(
        replace(SURVEY.steps[0], choices=(Choice("nong-thon", "dialog.yes"),)),  # rural gone
        SURVEY.steps[1], SURVEY.steps[2]))
    result = engine.refit(renamed, state, NOW, TR)
    assert result.state is not None and result.state.revision == renamed.revision
    assert result.state.answers == {"people": 4, "_ctx": 1} and result.state.step == "area"
    assert "vừa được cập nhật" in result.replies[0].text


async def test_a_changed_form_is_restarted_politely_not_in_a_loop(survey_bot) -> None:
    app = survey_bot.app
    await survey_bot.say("/khaosat")
    await survey_bot.say("1")  # area answered; now at "people"
    raw = chat_state(app, "nguoidan-demo")
    assert raw is not None and raw["step"] == "people"
    set_state(app, "nguoidan-demo", {**raw, "step": "so-nguoi", "revision": "older"})
    replies = await survey_bot.say("4")
    assert "vừa được cập nhật" in replies[0].text
    assert chat_state(app, "nguoidan-demo")["answers"]["area"] == "rural"  # kept
    replies = await survey_bot.say("4")  # the next answer is read at the right step
    assert "vừa được cập nhật" not in replies[0].text
    assert chat_state(app, "nguoidan-demo")["answers"]["people"] == 4


async def test_a_state_that_cannot_be_read_is_dropped_not_an_error(survey_bot) -> None:
    await survey_bot.say("/khaosat")
    set_state(survey_bot.app, "nguoidan-demo", {"dialog": "survey", "step": 3})
    replies = await survey_bot.say("/trogiup")
    assert replies and "Xin lỗi, có lỗi" not in replies[0].text


async def test_a_dialog_whose_role_was_taken_away_is_ended(make_bot, app) -> None:
    bot = make_bot("ctv-demo")
    await talk(bot, ["/baocao", DA5])
    with app.store.session() as s:
        user = s.exec(select(User).where(User.handle == "ctv-demo")).one()
        user.role = Role.CITIZEN
        s.add(user)
    replies = await bot.say("3")
    assert "không dành cho tài khoản của bạn" in replies[0].text
    assert chat_state(app, "ctv-demo") is None


def test_an_effect_of_a_survey_step_is_data() -> None:
    step = Step("x", "dialog.skip")
    dialog = Dialog("d", "t", (step,), lambda a, tr: "", lambda a: (Effect("e"),))
    assert dialog.has("x") and not dialog.has("y")
    assert registry_with_survey().dialog_roles["survey"]  # started by a command: its roles
