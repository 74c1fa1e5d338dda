"""/thongbao: an officer's announcement, queued in the outbox for the area's people."""

from __future__ import annotations

import pytest

from bot.core.dialog import Invalid
from handlers import broadcast
from storage.lineage import area_for_code
from storage.models import Identity, User
from tests.officer.helpers import add_account, check_golden, local, outbox, user_id
from tests.test_report import talk
from tests.transcript import Transcript

TEXT = "Họp thôn lúc 8 giờ sáng thứ Hai tại nhà văn hóa."


async def test_broadcast_to_collaborators_golden(make_bot, app, request) -> None:
    ctv = add_account(app, "ctv-demo", "telegram", "777")
    officer, script = make_bot("canbo-demo"), Transcript()
    await talk(officer, ["/thongbao", "Cộng tác viên", TEXT, "Đồng ý"], script)
    check_golden(script, "broadcast-collaborators-vi", request, {})
    [row] = outbox(app, "broadcast:")
    assert (row.channel, row.chat_id, row.user_id, row.priority) == ("telegram", "777", ctv, 2)
    assert row.dedup_key.endswith(f":{ctv}")
    assert row.payload["text"].startswith("Thông báo của cán bộ giảm nghèo (Xã Phước Bình)")
    assert TEXT in row.payload["text"]


async def test_people_without_a_push_channel_are_counted_not_queued(make_bot, app) -> None:
    replies = await talk(make_bot("canbo-demo"), ["/thongbao", "Người dân", TEXT])
    assert "Người dân của Xã Phước Bình, 1 người. 0 người nhận được" in replies[0].text
    replies = await make_bot("canbo-demo").say("Đồng ý")
    assert "Đã xếp hàng 0 tin nhắn; 1 người chưa có kênh nhận tin" in replies[-1].text
    assert outbox(app, "broadcast:") == []


async def test_text_is_limited_to_1000_characters(make_bot) -> None:
    officer = make_bot("canbo-demo")
    replies = await talk(officer, ["/thongbao", "Cộng tác viên", "a" * 1001])
    assert "tối đa 1.000 ký tự" in replies[0].text  # the app's own limit comes first
    replies = await officer.say("?!")
    assert "cần có chữ hoặc số" in replies[0].text
    with pytest.raises(Invalid) as err:
        broadcast._text("a" * 1001, {})
    assert err.value.reason == "officer.broadcast.too_long"
    replies = await officer.say("a" * 1000)
    assert "Bấm «Đồng ý» để gửi" in replies[0].text


async def test_at_night_the_messages_wait_for_the_morning(make_bot, app, clock) -> None:
    add_account(app, "ctv-demo", "zalo", "z-1")
    clock.now = local("2026-03-10T22:30")
    replies = await talk(make_bot("canbo-demo"),
                         ["/thongbao", "Cộng tác viên", TEXT, "Đồng ý"])
    assert "tin sẽ được gửi từ 06:00 11/3/26" in replies[-1].text
    [row] = outbox(app, "broadcast:")
    assert row.channel == "zalo" and row.not_before.hour == 23  # 06:00 local, in UTC


async def test_only_my_areas_people(make_bot, app) -> None:
    with app.store.session() as s:
        coast = area_for_code(s, "DEMO-22903-1")
        assert coast is not None
        other = User(role="collaborator", area_id=coast.id, handle="ctv-coast")
        s.add(other)
        s.flush()
        s.add(Identity(channel="telegram", external_id="888", user_id=other.id))
    add_account(app, "ctv-demo", "telegram", "777")
    await talk(make_bot("canbo-demo"), ["/thongbao", "Cộng tác viên", TEXT, "Đồng ý"])
    assert [r.chat_id for r in outbox(app, "broadcast:")] == ["777"]
    replies = await talk(make_bot("admin-demo"), ["/thongbao", "Cộng tác viên", TEXT])
    assert "2 người. 2 người nhận được" in replies[0].text
    assert user_id(app, "ctv-coast")
