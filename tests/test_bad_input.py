"""Hostile and clumsy input at every step: a polite reply, nothing confirmed changed."""

from __future__ import annotations

import pytest

from tests.survey import SAVED, state_of

BAD = [
    "",
    "   ",
    "x" * 10_000,
    "😀🙏🏽👨‍👩‍👧",
    "\x00\x07\x1b[31m",
    "'; DROP TABLE user; --",
    "1 OR 1=1",
    "\u202e\u200b",
]


@pytest.mark.parametrize("text", BAD)
@pytest.mark.parametrize("prefix", [[], ["/khaosat"], ["/khaosat", "1"],
                                    ["/khaosat", "1", "3"], ["/khaosat", "1", "3", "800k"]])
async def test_bad_input_gets_a_polite_reply_and_changes_nothing(survey_bot, text,
                                                                 prefix) -> None:
    for line in prefix:
        await survey_bot.say(line)
    before = state_of(survey_bot)
    replies = await survey_bot.say(text)
    assert replies and all(r.text.strip() for r in replies)
    assert not any("Traceback" in r.text or "sự cố" in r.text for r in replies)
    assert state_of(survey_bot) == before
    assert SAVED == []


async def test_bad_input_is_answered_in_english_for_english_users(survey_bot) -> None:
    await survey_bot.say("/lang en")
    replies = await survey_bot.say("x" * 10_000)
    assert "too long" in replies[0].text
    replies = await survey_bot.say("")
    assert "did not type" in replies[0].text


async def test_tables_survive_sql_looking_text(survey_bot) -> None:
    await survey_bot.say("'; DROP TABLE user; --")
    replies = await survey_bot.say("/start")
    assert replies[0].text.startswith("Xin chào")
