"""Logs never hold personal data: run every journey with every logger at DEBUG and look for
the demo households' names, names typed by users, phone numbers and ID numbers (CMND 9
digits, CCCD 12 digits); the message log table holds what happened, never what was said."""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.channels.memory import MemoryChannel
from bot.channels.telegram_aiogram import AiogramTelegram
from bot.channels.telegram_ptb import PtbTelegram
from bot.channels.zalo import ZaloPlatform
from bot.core.app import App
from bot.core.text import fold
from handlers import build_registry
from storage.models import CitizenQuestion, Household, HouseholdUpdate, MessageLog
from storage.repo import Store
from storage.seed import DATA
from tests.channels.fake_telegram import TOKEN as TG_TOKEN
from tests.channels.fake_telegram import FakeTelegram
from tests.channels.fake_zalo import TOKEN as ZALO_TOKEN
from tests.channels.fake_zalo import FakeZalo
from tests.channels.harness import TelegramDriver, ZaloDriver, as_user, payload, running
from tests.security.world import APOLOGY, DA5, NO_DEPRIVATION, Collect
from tests.test_household import members

with (DATA / "demo-households.csv").open(encoding="utf-8") as _fh:
    DEMO_NAMES = [row["head_name"] for row in csv.DictReader(_fh)]
TYPED_NAMES = ["Chamaléa Thị Nguyệt", "Ya Đinh Thị Phúc"]
PHONES = ["0912 345 678", "0987654321", "+84 903 111 222"]
ID_NUMBERS = ["079203001234", "285123456"]
QUESTION = (f"Tôi là {TYPED_NAMES[0]}, hỏi lịch họp thôn, gọi giúp {PHONES[0]}, "
            f"CCCD {ID_NUMBERS[0]}")
NOTE = f"Gặp ông Katơr Văn Minh, sđt {PHONES[1]}"
REASON = f"Đã gặp bà {TYPED_NAMES[0]}, CMND {ID_NUMBERS[1]}"
ANSWER = f"Chị {TYPED_NAMES[1]} gọi {PHONES[2]} để hẹn nhé"
QUIETENED = ("sqlalchemy",)  # SQL echo at DEBUG is checked on its own below
NUMBERS = re.compile(r"\+?\d[\d .\-]{6,}\d")
HEX = re.compile(r"\b0x[0-9a-fA-F]+\b")


def leaks(text: str) -> list[str]:
    """Every secret of this module, and any phone or ID-like number, found in ``text``."""
    folded = fold(text)
    found = [n for n in DEMO_NAMES + TYPED_NAMES if n in text or fold(n) in folded]
    # memory addresses in SQLAlchemy's pool messages ("at 0x7f0123456789ab") are not numbers
    # a person typed; their decimal runs would look like phone numbers now and then
    for run in NUMBERS.findall(HEX.sub(" ", text)):
        digits = re.sub(r"\D", "", run)
        if (digits in {re.sub(r"\D", "", n) for n in PHONES + ID_NUMBERS}
                or re.fullmatch(r"(?:0|84)\d{9}|\d{9}|\d{12}", digits)):
            found.append(run)
    return found


async def talk(bot: MemoryChannel, lines: list[str], polite: bool = True) -> None:
    for line in lines:
        replies = await bot.say(line)
        assert not polite or not any(APOLOGY in r.text for r in replies), line


@contextmanager
def everything_at_debug(quietened: tuple[str, ...] = QUIETENED) -> Iterator[Collect]:
    """Root and every logger with a level of its own at DEBUG; a handler on the root."""
    handler, root = Collect(), logging.getLogger()
    named = [logging.getLogger(n) for n in list(logging.root.manager.loggerDict)]
    touched = [lg for lg in named if lg.level and not lg.name.startswith(quietened)]
    saved = [(lg, lg.level) for lg in [root, *touched]]
    for lg, _ in saved:
        lg.setLevel(logging.DEBUG)
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        for lg, level in saved:
            lg.setLevel(level)


async def journeys(make_bot: Callable[..., MemoryChannel]) -> None:
    """Citizen question and hand-off, self-assessment, report, household update with a new
    name, approval, an officer's answer, and both told of the outcome."""
    citizen, ctv, officer = make_bot("nguoidan-demo"), make_bot("ctv-demo"), make_bot("canbo-demo")
    await citizen.say(QUESTION)
    await citizen.press("Chuyển câu hỏi cho cán bộ")
    await citizen.press("Đồng ý chuyển câu hỏi")
    await talk(citizen, ["/tudanhgia", "1", "4", "1", "8 triệu", *NO_DEPRIVATION, "Đồng ý"])
    await talk(ctv, ["/baocao", DA5, "3", "2", NOTE])
    await ctv.send_photo("AgACAgUAAx-photo-1")
    await ctv.send_location(11.5621, 108.9883)
    await talk(ctv, ["Đồng ý"])
    for start in [["Tìm hộ đã có", "kator van mihn", "1"], ["Thêm hộ mới", TYPED_NAMES[0]]]:
        await talk(ctv, ["/hogiadinh", *start, "Mới rơi vào nghèo", *members(3),
                         "Mỗi người mỗi tháng",
                         "900 nghìn", *NO_DEPRIVATION, "Đồng ý"])
    await talk(officer, ["/duyet"])
    await officer.press("Duyệt")
    await talk(officer, [REASON, "Đồng ý"])
    await officer.press("Từ chối")
    await talk(officer, [REASON, "Đồng ý", "/cauhoi"])
    await officer.press("Trả lời")
    await talk(officer, [ANSWER, "Đồng ý"])
    await talk(citizen, ["/start"])
    await talk(ctv, ["/baocaocuatoi"])


async def test_journeys_log_no_personal_data(make_bot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with everything_at_debug() as handler:
        logging.getLogger("giamngheo.test").debug("marker %s", "captured")
        await journeys(make_bot)
    assert "marker captured" in caplog.text and "marker captured" in handler.text()
    assert leaks(caplog.text) == []
    assert leaks(handler.text()) == []
    with make_bot().app.store.session() as s:  # the journeys did what they should
        decided = s.exec(select(HouseholdUpdate)).all()
        assert sorted(u.decision for u in decided) == ["approved", "rejected"]
        assert s.exec(select(CitizenQuestion)).one().answer == ANSWER


async def test_message_log_holds_no_text(make_bot) -> None:
    await journeys(make_bot)
    typed = [QUESTION, NOTE, REASON, ANSWER, *TYPED_NAMES, "kator van mihn"]
    with make_bot().app.store.session() as s:
        rows = s.exec(select(MessageLog)).all()
    assert len(rows) > 50
    values = " | ".join(str(v) for row in rows for v in row.model_dump().values())
    assert leaks(values) == []
    assert [x for x in typed if x in values or fold(x) in fold(values)] == []


async def test_message_log_keeps_no_unknown_command_text(make_bot) -> None:
    bot = make_bot("nguoidan-demo")
    await talk(bot, ["/0912345678", f"/{TYPED_NAMES[0].split()[0]}"])
    with bot.app.store.session() as s:
        commands = [r.command or "" for r in s.exec(select(MessageLog)).all()]
    assert leaks(" ".join(commands)) == [] and not any("Chamal" in c for c in commands)


async def test_sql_debug_logging_shows_no_parameters(make_bot) -> None:
    with everything_at_debug(quietened=()) as handler:
        await talk(make_bot("ctv-demo"), ["/hogiadinh", "Thêm hộ mới", TYPED_NAMES[1]])
    assert "INSERT" in handler.text() or "UPDATE" in handler.text()  # SQL was logged
    assert leaks(handler.text()) == []


async def test_an_unexpected_storage_error_logs_no_parameters(make_bot, caplog) -> None:
    """The household chosen is deleted before the update is confirmed (a clean-up or a
    merge meanwhile): the insert fails on its foreign key."""
    caplog.set_level(logging.DEBUG)
    bot = make_bot("ctv-demo")
    await talk(bot, ["/hogiadinh", "Tìm hộ đã có", "tran van binh", "Trần Văn Bình",
                     "Chuyển đi nơi khác"])
    with bot.app.store.session() as s:
        s.delete(s.exec(select(Household).where(Household.head_name == "Trần Văn Bình")).one())
    replies = await bot.say("Đồng ý")
    assert "sự cố" in replies[0].text and "unexpected error" in caplog.text
    assert leaks(caplog.text) == []


def test_the_scanner_finds_what_it_looks_for() -> None:
    for text in [QUESTION, NOTE, REASON, ANSWER, "gọi 0903.111.222", "KATOR VAN MINH"]:
        assert leaks(text), text
    assert leaks("2026-03-10 02:00:00.000000 memory:ctv-demo:ctv-demo update 12 (3)") == []


def test_the_scan_still_finds_numbers_but_not_addresses() -> None:
    assert leaks(f"gọi {PHONES[0]}") != []
    assert leaks("<sqlite3.Connection object at 0x7f0123456789ab>") == []


@pytest.mark.parametrize("library", ["python-telegram-bot", "aiogram", "zalo"])
async def test_the_channels_log_no_token_text_or_name_at_any_level(library: str,
                                                                    tmp_path: Path) -> None:
    """The real libraries against the fake platforms, every logger at DEBUG (their own too,
    after ``giamngheo run`` quietened them): people's names, texts, phone and ID numbers, an
    update the library cannot parse, a photo with a caption, then a start with a wrong token."""
    from bot.channels import logsafe

    undo = logsafe.install([TG_TOKEN, ZALO_TOKEN])
    try:
        with everything_at_debug() as handler:
            await _talk_on(library, tmp_path)
    finally:
        undo()
    text = handler.text()
    if library == "python-telegram-bot":  # it logs every call's parameters at DEBUG
        assert "telegram.ext.ExtBot: a library message below WARNING, withheld" in text
    assert leaks(text) == [], leaks(text)
    for secret in (TG_TOKEN, TG_TOKEN.split(":")[1], ZALO_TOKEN, ZALO_TOKEN.split(":")[1]):
        assert secret not in text


async def _talk_on(library: str, tmp: Path) -> None:
    app = App(Store.open(f"sqlite:///{tmp / 'bot.db'}"), build_registry())
    fake: FakeTelegram | FakeZalo = FakeZalo() if library == "zalo" else FakeTelegram()
    await fake.start()
    try:
        platform, wrong = _platforms(library, fake.url)
        async with running(app, platform, "polling", tmp):
            if isinstance(fake, FakeZalo):
                driver: TelegramDriver | ZaloDriver = ZaloDriver(fake, app.store, [])
            else:
                driver = TelegramDriver(fake, app.store, [])
                named = as_user(payload("telegram/forward_hidden_user.json"), "761")
                named["message"]["from"]["first_name"] = TYPED_NAMES[0]
                await fake.push_many([payload("telegram/aiogram_1840_hidden_user.json"),
                                      named])
            await driver.say("761", QUESTION)
            await driver.photo("761", NOTE, b"\xff\xd8 photo \xff\xd9")
        with pytest.raises(Exception) as refused:
            await wrong.start()
        assert type(refused.value).__name__ == "Unauthorized"  # the token not in it
        await wrong.close()
    finally:
        await fake.stop()


def _platforms(library: str, url: str) -> tuple[Any, Any]:
    if library == "zalo":
        return ZaloPlatform(ZALO_TOKEN, url), ZaloPlatform("1:" + ZALO_TOKEN[::-1], url)
    if library == "aiogram":
        return AiogramTelegram(TG_TOKEN, url), AiogramTelegram("1:" + TG_TOKEN[::-1], url)
    return PtbTelegram(TG_TOKEN, url), PtbTelegram("1:" + TG_TOKEN[::-1], url)
