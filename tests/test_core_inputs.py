"""Typed inputs, evidence, corrections and the "no change" rule, as a collaborator meets them."""

from __future__ import annotations

from sqlmodel import select

from bot.base.messages import ConversationKey, Press, Text, Unsupported, Voice
from storage.models import Report, ReportVersion
from tests.test_report import DA5, talk

FIGURES = ["/baocao", DA5, "3", "2"]


def saved(app) -> list[tuple[Report, ReportVersion]]:
    with app.store.session() as s:
        return list(s.exec(select(Report, ReportVersion).join(ReportVersion)
                           .order_by(ReportVersion.id)).all())


async def test_typed_text_is_never_a_photo_a_location_or_a_button(make_bot, app) -> None:
    bot = make_bot("ctv-demo")
    await talk(bot, [*FIGURES, "Bỏ qua"])  # at the photo step
    for forged in ["photo:AgACAgUAAx-1", "ctl:skip", "dlg:DA5", "loc:11.9,108.8"]:
        replies = await bot.say(forged)
        assert "chữ gõ không thay được ảnh" in replies[0].text, forged
    replies = await bot.say("kb:da5-muc-tieu")  # an action's data, typed
    assert "chữ gõ không thay được ảnh" in replies[0].text
    replies = await bot.send_photo("AgACAgUAAx-real")
    assert "vị trí" in replies[0].text  # the real photo moved the dialog on


async def test_an_album_is_one_piece_of_evidence_and_a_voice_note_counts(make_bot, app):
    bot = make_bot("ctv-demo")
    await talk(bot, [*FIGURES, "Bỏ qua"])
    await bot.send_photo("p1", "p2", "p3")
    replies = await talk(bot, ["Bỏ qua"])
    assert "đã đính kèm (3 ảnh)" in replies[0].text
    await talk(bot, ["Đồng ý"])
    [(_, version)] = saved(app)
    assert version.evidence == [{"kind": "photo", "refs": ["p1", "p2", "p3"]}]

    await talk(bot, [*FIGURES, "Bỏ qua"])  # a second version, with a voice note
    replies = await bot.send_voice("voice-file-1")
    assert "vị trí" in replies[0].text
    replies = await talk(bot, ["Bỏ qua"])
    assert "một tin nhắn thoại" in replies[0].text


async def test_a_correction_keeps_note_photo_and_location_unless_changed(make_bot, app):
    bot = make_bot("ctv-demo")
    await talk(bot, [*FIGURES, "móng đã xong"])
    await bot.send_photo("AgACAgUAAx-photo-1")
    await bot.send_location(11.5621, 108.9883)
    await talk(bot, ["Đồng ý"])
    receipt = saved(app)[0][0].receipt
    replies = await talk(bot, ["/baocaocuatoi", f"Sửa {receipt}", "4", "2"])
    assert replies[0].buttons[0].label == "Giữ như cũ"
    replies = await talk(bot, ["Giữ như cũ", "Giữ như cũ", "Giữ như cũ"])
    assert "móng đã xong" in replies[0].text and "đã đính kèm" in replies[0].text
    await talk(bot, ["Đồng ý"])
    first, second = (v for _, v in saved(app))
    assert second.values == {"nha_khoicong": 4, "nha_hoanthanh": 2}
    assert (second.note, second.evidence, second.latitude, second.longitude) == (
        first.note, first.evidence, first.latitude, first.longitude) != (None, [], None, None)


async def test_a_correction_can_still_change_the_note(make_bot, app) -> None:
    bot = make_bot("ctv-demo")
    await talk(bot, [*FIGURES, "móng đã xong", "Bỏ qua", "Đồng ý"])
    receipt = saved(app)[0][0].receipt
    await talk(bot, ["/baocaocuatoi", f"Sửa {receipt}", "3", "2", "đã lợp mái",
                     "Giữ như cũ", "Đồng ý"])
    assert [v.note for _, v in saved(app)] == ["móng đã xong", "đã lợp mái"]


async def test_no_change_and_a_real_report_do_not_both_count(make_bot, app, clock) -> None:
    bot = make_bot("ctv-demo")
    await talk(bot, ["/baocao", "Không có thay đổi", "Đồng ý"])
    replies = await talk(bot, [*FIGURES, "Bỏ qua", "Bỏ qua", "Đồng ý"])
    assert "được thay bằng báo cáo này" in replies[-1].text
    reports = {r.project: r for r, _ in saved(app)}
    assert reports["*"].withdrawn_at is not None and reports["DA5"].withdrawn_at is None
    replies = await bot.say("/baocao")  # "no change" is not offered any more this month
    assert "Không có thay đổi" not in [b.label for b in replies[-1].buttons]
    replies = await make_bot("canbo-demo").say("/xuat")
    assert "2 dòng báo cáo" in replies[0].text  # DA5's two figures; the withdrawn one is not


async def test_no_change_chosen_before_a_real_report_arrived_is_not_saved(make_bot, app):
    phone = make_bot("ctv-demo")
    await talk(phone, ["/baocao", "Không có thay đổi"])  # left at the confirmation
    desk = make_bot("ctv-demo")
    desk.key = ConversationKey("terminal", "ctv-demo", "ctv-demo")  # the same person, elsewhere
    await talk(desk, [*FIGURES, "Bỏ qua", "Bỏ qua", "Đồng ý"])
    replies = await talk(phone, ["Đồng ý"])
    assert "không cần báo «Không có thay đổi»" in replies[-1].text
    assert [r.project for r, _ in saved(app)] == ["DA5"]


async def test_a_bad_month_is_said_to_be_a_bad_month(make_bot) -> None:
    for command in ["/xuat 2026-13", "/tongquan 2026-00"]:
        replies = await make_bot("canbo-demo").say(command)
        assert "Tháng này không hợp lệ" in replies[0].text, command


async def test_a_voice_note_or_sticker_outside_a_report_is_answered(make_bot) -> None:
    bot = make_bot("nguoidan-demo")
    replies = await bot.send(Voice("v1"))
    assert "tin nhắn thoại" in replies[0].text
    replies = await bot.send(Unsupported("sticker"))
    assert "Mình nhận được: chữ gõ" in replies[0].text
    replies = await bot.send(Press("ctl:yes"))  # a stale press outside any dialog
    assert "hết hiệu lực" in replies[0].text
    assert (await bot.send(Text("/trogiup")))[0].text
