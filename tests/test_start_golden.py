"""Golden transcripts of /start for every role in both languages."""

from __future__ import annotations

import pytest

from tests.transcript import Transcript

USERS = ["nguoidan-demo", "ctv-demo", "canbo-demo", "admin-demo"]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("user", USERS)
async def test_start_transcript(make_bot, request, user: str, language: str) -> None:
    bot = make_bot(user)
    script = Transcript()
    if language == "en":
        script.user("/lang en")
        script.bot(await bot.say("/lang en"))
    for line in ["/start", "/help"]:
        script.user(line)
        script.bot(await bot.say(line))
    script.check(f"start-{user}-{language}", request)


async def test_greeting_names_role_and_area(make_bot) -> None:
    collaborator = await make_bot("ctv-demo").say("/start")
    assert "cộng tác viên" in collaborator[0].text
    assert "Thôn Mẫu Một" in collaborator[0].text
    officer = await make_bot("canbo-demo").say("/start")
    assert "cán bộ" in officer[0].text and "Xã Bác Ái Tây" in officer[0].text


async def test_unknown_name_is_a_new_citizen(make_bot) -> None:
    replies = await make_bot("someone-new").say("/start")
    assert replies[0].text.startswith("Xin chào! Mình là trợ lý giảm nghèo")


async def test_language_follows_platform_hint_for_new_users(make_bot) -> None:
    replies = await make_bot("visitor", language="en-GB").say("/start")
    assert replies[0].text.startswith("Hello!")
