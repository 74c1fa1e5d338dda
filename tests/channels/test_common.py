"""SDK-free channel logic: cutting texts, buttons, numbered rendering, reading updates."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.base.messages import Button, Lang, Location, Outgoing, Photo, Role, Text, Unsupported
from bot.base.settings import Settings
from bot.channels.common import command_menu
from bot.channels.launch import LaunchError, check_secret, make_platform
from bot.channels.updates import (
    slim_telegram,
    slim_zalo,
    telegram_incoming,
    zalo_incoming,
    zalo_unwrap,
    zalo_update_id,
)
from handlers import build_registry
from scheduler.render import (
    TELEGRAM,
    ZALO,
    callback_data,
    keyboard,
    render,
    split_text,
    units,
)

TEXT = st.text(alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyỹ 🌾.\n")),
               max_size=3000)


@given(TEXT, st.integers(min_value=20, max_value=500))
@example("a" * 21, 20)  # one word longer than the limit (this failed once, in CI)
@example("ab " + "c" * 19 + " d", 20)  # a word that fits must not be cut
def test_split_cuts_only_words_longer_than_the_limit(text: str, limit: int) -> None:
    """Every part fits; nothing is lost or reordered; a word is cut only when it alone is
    longer than the limit (a long link, say), and then into parts that each fit."""
    parts = split_text(text, limit)
    assert all(units(p) <= limit for p in parts)
    assert "".join("".join(p.split()) for p in parts) == "".join(text.split())
    tokens = Counter(tok for p in parts for tok in p.split())
    fitting = Counter(w for w in text.split() if units(w) <= limit)
    assert fitting <= tokens


def test_a_word_longer_than_the_limit_is_cut_where_it_must_be() -> None:
    assert split_text("a" * 21, 20) == ["a" * 20, "a"]
    assert split_text("ab " + "c" * 19 + " d", 20) == ["ab", "c" * 19, "d"]


def test_split_prefers_paragraphs_and_counts_utf16() -> None:
    text = "Đoạn một khá dài ở đây.\n\nĐoạn hai dài hơn một chút."
    assert split_text(text, 40) == ["Đoạn một khá dài ở đây.", "Đoạn hai dài hơn một chút."]
    assert units("🌾") == 2 and split_text("🌾" * 3, 4) == ["🌾🌾", "🌾"]
    assert split_text("", 10) == [""]


def test_callback_data_fits_in_64_bytes() -> None:
    assert callback_data(Button("Có", "cmd:trogiup"), 0) == "cmd:trogiup"
    assert callback_data(Button("Xã", "x:" + "đ" * 40), 3) == "i:3"
    rows = keyboard((Button("Có", "y"), Button("Không", "n"),
                     Button("Một lựa chọn có nhãn rất dài", "l")))
    assert [[c["text"] for c in row] for row in rows] == [["Có", "Không"],
                                                         ["Một lựa chọn có nhãn rất dài"]]


def test_zalo_gets_numbered_lines_and_telegram_a_keyboard() -> None:
    reply = Outgoing("Chọn:", (Button("Một", "1"), Button("Hai", "2")))
    assert render(reply, ZALO) == [{"kind": "text", "text": "Chọn:\n\n1. Một\n2. Hai",
                                    "keyboard": None}]
    typed = Outgoing("Số người?", (Button("Quay lại", "back"),), numbered=False)
    assert render(typed, ZALO)[0]["text"].endswith("[Quay lại]")
    telegram = render(reply, TELEGRAM)
    assert telegram[0]["keyboard"] == [[{"text": "Một", "callback_data": "1"},
                                        {"text": "Hai", "callback_data": "2"}]]


def test_files_on_each_platform() -> None:
    chart = Outgoing("Biểu đồ", (Button("OK", "ok"),), image_path="/tmp/chart.png")
    assert render(chart, TELEGRAM) == [{"kind": "photo", "path": "/tmp/chart.png",
                                        "caption": "Biểu đồ",
                                        "keyboard": [[{"text": "OK", "callback_data": "ok"}]]}]
    long = render(Outgoing("x " * 700, image_path="/tmp/c.png"), TELEGRAM)
    assert [p["kind"] for p in long] == ["photo", "text"] and long[0]["caption"] is None
    on_zalo = render(Outgoing("Báo cáo", document_path="/tmp/r.xlsx"), ZALO, Lang.EN)
    assert on_zalo[0]["text"].startswith("Báo cáo\n\n(This file")
    by_url = render(Outgoing("Ảnh", image_path="https://example.org/a.png"), ZALO)
    assert by_url[0]["kind"] == "photo"


def test_command_menus_per_role_and_language() -> None:
    commands = build_registry().commands
    citizen_vi = dict(command_menu(commands, Role.CITIZEN, Lang.VI))
    assert "batdau" in citizen_vi and "baocao" not in citizen_vi and "lienket" in citizen_vi
    assert "report" in dict(command_menu(commands, Role.COLLABORATOR, Lang.EN))
    assert all(1 <= len(d) <= 256 for d in citizen_vi.values())


MESSAGE = {"update_id": 9, "message": {
    "message_id": 4, "date": 1_773_000_000, "text": "/start MOI-1",
    "chat": {"id": 77, "type": "private", "first_name": "Lan"},
    "from": {"id": 77, "is_bot": False, "first_name": "Lan", "last_name": "Trần",
             "username": "lan", "language_code": "en"}}}


def test_telegram_message_and_press() -> None:
    slim = slim_telegram(MESSAGE)
    assert "last_name" not in slim["message"]["from"] and "username" not in slim["message"]["from"]
    msg = telegram_incoming(slim)
    assert msg is not None and msg.content == Text("/start MOI-1") and msg.key.chat_id == "77"
    assert msg.language_hint == "en" and msg.sent_at == datetime.fromtimestamp(1_773_000_000, UTC)
    shown = {"message_id": 5, "date": 1, "chat": {"id": 77, "type": "private"}, "text": "?",
             "reply_markup": {"inline_keyboard": [[{"text": "Dài", "callback_data": "i:0"}]]}}
    press = {"update_id": 10, "callback_query": {"id": "q", "from": MESSAGE["message"]["from"],
                                                 "data": "i:0", "message": shown}}
    pressed = telegram_incoming(slim_telegram(press))
    assert pressed is not None and pressed.content == Text("Dài")  # its label, then resolved


def test_telegram_photo_location_and_what_is_ignored() -> None:
    base = MESSAGE["message"]
    photo = {"update_id": 1, "message": {**base, "text": None, "caption": "nhà",
                                         "photo": [{"file_id": "s"}, {"file_id": "big"}]}}
    got = telegram_incoming(slim_telegram(photo))
    assert got is not None and got.content == Photo(("big",), "nhà")
    where = {"update_id": 2, "message": {**base, "location": {"latitude": 11.5,
                                                              "longitude": 108.9}}}
    assert telegram_incoming(slim_telegram(where)).content == Location(11.5, 108.9)  # type: ignore[union-attr]
    group = {"update_id": 3, "message": {**base, "chat": {"id": -5, "type": "group"}}}
    assert telegram_incoming(slim_telegram(group)) is None
    assert telegram_incoming(slim_telegram({"update_id": 4, "edited_message": base})) is None


def test_zalo_updates() -> None:
    update = {"event_name": "message.image.received", "message": {
        "message_id": "m1", "date": 1_750_316_131_602, "photo_url": "https://z/p.jpg",
        "from": {"id": "u1", "display_name": "Ted", "is_bot": False},
        "chat": {"id": "u1", "chat_type": "PRIVATE"}}}
    assert zalo_unwrap({"ok": True, "result": update}) == update
    assert zalo_update_id(update) == "m1"
    msg = zalo_incoming(slim_zalo(update), "m1")
    assert msg is not None and msg.content == Photo(("https://z/p.jpg",))
    assert msg.key.channel == "zalo"
    assert msg.sent_at is not None and msg.sent_at.year == 2025
    group = {**update, "message": {**update["message"], "chat": {"id": "g", "chat_type": "GROUP"}}}
    assert zalo_incoming(slim_zalo(group), "m1") is None
    unsupported = {**update, "event_name": "message.unsupported.received"}
    withheld = zalo_incoming(slim_zalo(unsupported), "m1")  # Zalo keeps the content back
    assert withheld is not None and withheld.content == Unsupported("unsupported")


def test_launch_refuses_a_missing_token_or_bad_secret() -> None:
    with pytest.raises(LaunchError, match="GIAMNGHEO_TELEGRAM_TOKEN"):
        make_platform("telegram", Settings(telegram_token=None))
    with pytest.raises(LaunchError, match="GIAMNGHEO_ZALO_TOKEN"):
        make_platform("zalo", Settings(zalo_token=None))
    with pytest.raises(LaunchError, match="unknown channel"):
        make_platform("viber", Settings())
    with pytest.raises(LaunchError, match="8-256"):
        check_secret("zalo", "short")
