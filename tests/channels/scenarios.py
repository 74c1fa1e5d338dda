"""The end-to-end scenarios every platform runs: the same dialogs, whatever the channel."""

from __future__ import annotations

from pathlib import Path

from bot.base.messages import Photo, Text
from bot.core.app import App
from tests.channels.harness import Driver, eventually, terminal_code

QUESTION = "hộ cận nghèo có được hỗ trợ bảo hiểm y tế không"
DA5 = "Dự án 5"
PHOTO = b"\xff\xd8\xff\xe0 a small jpeg of the new house \xff\xd9"


async def start(d: Driver, app: App) -> None:
    replies = await d.say("501", "/start")
    assert replies[0].text.startswith("Xin chào")
    assert replies[-1].buttons  # the menu, as buttons or numbered lines


async def citizen_question(d: Driver, app: App) -> None:
    replies = await d.say("502", QUESTION)
    assert replies and all(r.text for r in replies)
    assert any(m.content == Text(QUESTION) and m.key.channel == d.channel for m in d.seen)


async def button_press(d: Driver, app: App) -> None:
    await d.say("503", "/ngonngu")
    replies = await d.press("503", "English")
    assert replies[-1].text.startswith("Switched to English.")


async def collaborator_report_with_photo(d: Driver, app: App) -> None:
    """A collaborator links this account to ctv-demo, then reports with a photo."""
    code = terminal_code(app, "ctv-demo")
    replies = await d.say("504", f"/lienket {code}")
    assert replies[0].text.startswith("Đã liên kết")
    await d.say("504", "/baocao")
    replies = await d.press("504", DA5)
    for _ in range(6):  # the project's figures, until the note step (it can be skipped)
        if any(label == "Bỏ qua" for r in replies for label in r.buttons):
            break
        replies = await d.say("504", "1")
    await d.say("504", "móng đã xong")
    await d.photo("504", "", PHOTO)
    if await d.location("504", 11.5621, 108.9883) is None:
        await d.press("504", "Bỏ qua")
    replies = await d.press("504", "Đồng ý")
    assert "BC-" in replies[-1].text
    photos = [m.content for m in d.seen
              if isinstance(m.content, Photo) and m.key.user_id == "504"]
    assert len(photos) == 1
    saved = Path(photos[0].refs[0])
    await eventually(saved.exists, "the photo downloaded")  # off the update path
    assert saved.read_bytes() == PHOTO


async def deep_link(d: Driver, app: App) -> None:
    replies = await d.say("505", "/start MOI-ab_12")
    assert any(m.content == Text("/start MOI-ab_12") for m in d.seen)
    assert replies and replies[0].text


SCENARIOS = {f.__name__: f for f in (start, citizen_question, button_press,
                                     collaborator_report_with_photo, deep_link)}
