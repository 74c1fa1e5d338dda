"""The dialog engine, table-tested through the real app, router and durable state."""

from __future__ import annotations

import pytest

from bot.channels.memory import MemoryChannel
from bot.core.app import App
from storage.repo import Store
from tests.survey import SAVED, registry_with_survey, state_of

# (inputs after /khaosat, expected step afterwards, expected answers, expected text in last reply)
CASES = [
    (["1"], "people", {"area": "rural"}, "số nguyên"),
    (["Không"], "people", {"area": "urban"}, None),  # a label typed, accents optional below
    (["khong"], "people", {"area": "urban"}, None),
    (["7"], "area", {}, "chọn một trong các lựa chọn"),  # out of range number: re-prompt
    (["1", "ba"], "people", {"area": "rural"}, "số nguyên"),
    (["1", "99"], "people", {"area": "rural"}, "từ 1 đến 30"),
    (["1", "3 người"], "income", {"area": "rural", "people": 3}, None),
    (["1", "3", "Quay lại"], "people", {"area": "rural"}, None),
    (["1", "3", "quay lai", "quay lai"], "area", {}, None),
    (["1", "3", "1,5 triệu"], "__confirm__", {"area": "rural", "people": 3,
                                               "income": 1_500_000}, "SUMMARY"),
    (["1", "3", "Không rõ / bỏ qua"], "__confirm__", {"area": "rural", "people": 3,
                                                      "income": None}, "SUMMARY"),
    (["1", "3", "abc"], "income", {"area": "rural", "people": 3}, "số tiền"),
    (["1", "25"], "people", {"area": "rural"}, "cao bất thường"),  # an outlier is asked
    (["1", "25", "Đúng, giữ số này"], "income", {"area": "rural", "people": 25}, None),
    (["1", "25", "Nhập lại"], "people", {"area": "rural"}, "nhập lại"),
    (["1", "25", "4"], "income", {"area": "rural", "people": 4}, None),  # or simply retyped
]


@pytest.mark.parametrize(("inputs", "step", "answers", "expected"), CASES)
async def test_step_table(survey_bot, inputs, step, answers, expected) -> None:
    await survey_bot.say("/khaosat")
    replies = []
    for text in inputs:
        replies = await survey_bot.say(text)
    state = state_of(survey_bot)
    assert state is not None and state["step"] == step
    assert state["answers"] == answers
    if expected:
        assert any(expected in r.text for r in replies), [r.text for r in replies]


async def test_confirm_saves_once_and_ends(survey_bot) -> None:
    for text in ["/khaosat", "1", "4", "2000000"]:
        await survey_bot.say(text)
    replies = await survey_bot.say("Đồng ý")
    assert "Đã lưu" in replies[0].text
    assert SAVED == [{"area": "rural", "people": 4, "income": 2_000_000}]
    assert state_of(survey_bot) is None
    await survey_bot.say("Đồng ý")  # a late second press saves nothing more
    assert len(SAVED) == 1


async def test_declining_saves_nothing(survey_bot) -> None:
    for text in ["/khaosat", "1", "4", "2000000"]:
        await survey_bot.say(text)
    replies = await survey_bot.say("Không")
    assert "không lưu" in replies[0].text
    assert SAVED == [] and state_of(survey_bot) is None


async def test_cancel_clears_the_dialog(survey_bot) -> None:
    await survey_bot.say("/khaosat")
    await survey_bot.say("1")
    replies = await survey_bot.say("/huy")
    assert "Đã hủy" in replies[0].text
    assert state_of(survey_bot) is None and SAVED == []


async def test_resume_after_restart(survey_bot, db_url, clock) -> None:
    for text in ["/khaosat", "2", "5"]:
        await survey_bot.say(text)
    # a new process: new engine, new app, same database file
    restarted = MemoryChannel(App(Store.open(db_url), registry_with_survey(), clock=clock),
                              "nguoidan-demo")
    replies = await restarted.say("/khaosat")
    assert "đang làm dở" in replies[0].text
    replies = await restarted.press("Tiếp tục")
    assert "số tiền" in replies[0].text  # the income step, where we left off
    await restarted.say("900k")
    assert state_of(restarted)["answers"] == {"area": "urban", "people": 5, "income": 900_000}


async def test_start_over_drops_old_answers(survey_bot) -> None:
    for text in ["/khaosat", "2", "5", "/khaosat"]:
        await survey_bot.say(text)
    await survey_bot.press("Bắt đầu lại")
    state = state_of(survey_bot)
    assert state["step"] == "area" and state["answers"] == {}


async def test_stale_dialog_times_out_politely(survey_bot, clock) -> None:
    for text in ["/khaosat", "1"]:
        await survey_bot.say(text)
    clock.advance(days=3)
    replies = await survey_bot.say("4")
    assert "đang làm dở" in replies[0].text  # asked, not taken as an answer
    assert state_of(survey_bot)["answers"] == {"area": "rural"}


async def test_numbers_are_not_buttons_where_a_number_is_typed(survey_bot) -> None:
    await survey_bot.say("/khaosat")
    await survey_bot.say("1")
    await survey_bot.say("1")  # one person, not the first button ("Quay lại")
    assert state_of(survey_bot)["answers"] == {"area": "rural", "people": 1}
