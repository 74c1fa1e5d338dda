"""Collaborators' progress reports (/baocao, /baocaocuatoi) through the real app."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from bot.base.messages import Press
from storage.models import Report, ReportVersion
from tests.transcript import Transcript

DA5 = "Dự án 5: Hỗ trợ nhà ở hộ nghèo, cận nghèo ở huyện nghèo"


async def talk(bot, lines, script: Transcript | None = None):
    replies = []
    for line in lines:
        replies = await bot.say(line)
        if script is not None:
            script.user(line)
            script.bot(replies)
    return replies


def versions(app) -> list[tuple[str, int, dict]]:
    with app.store.session() as s:
        rows = s.exec(select(Report, ReportVersion).join(ReportVersion)
                      .order_by(ReportVersion.id)).all()
        return [(r.receipt, v.version, v.values) for r, v in rows]


async def test_report_offers_the_plan_projects_to_collaborators(make_bot) -> None:
    replies = await make_bot("ctv-demo").say("/baocao")
    labels = [b.label for b in replies[-1].buttons]
    assert labels[0] == "Không có thay đổi"
    assert DA5 in labels and len([x for x in labels if x.startswith("Dự án")]) == 12


async def test_citizens_and_officers_are_refused(make_bot) -> None:
    for user in ["nguoidan-demo", "canbo-demo"]:
        replies = await make_bot(user).say("/baocao")
        assert "không dành cho tài khoản của bạn" in replies[0].text


async def test_full_report_golden(make_bot, request) -> None:
    bot, script = make_bot("ctv-demo"), Transcript()
    replies = await talk(bot, ["/baocao", DA5, "3", "2", "mong da xong"], script)
    replies = await bot.send_photo("AgACAgUAAx-photo-1")
    script.user("(ảnh)")
    script.bot(replies)
    replies = await bot.send_location(11.5621, 108.9883)
    script.user("(vị trí)")
    script.bot(replies)
    replies = await talk(bot, ["Đồng ý"], script)
    script.check("report-full-vi", request)
    assert "Mã biên nhận: BC-" in replies[-1].text
    assert versions(bot.app)[0][1:] == (1, {"nha_khoicong": 3, "nha_hoanthanh": 2})


async def test_refused_outlier_golden(make_bot, request) -> None:
    bot, script = make_bot("ctv-demo"), Transcript()
    await talk(bot, ["/baocao", DA5, "300", "Nhập lại", "30", "Đúng, giữ số này", "1",
                     "Bỏ qua", "Bỏ qua", "Đồng ý"], script)
    script.check("report-outlier-vi", request)
    assert versions(bot.app)[0][2] == {"nha_khoicong": 30, "nha_hoanthanh": 1}


async def test_no_change_is_one_tap_and_counts(make_bot) -> None:
    bot = make_bot("ctv-demo")
    await bot.say("/baocao")
    await bot.press("Không có thay đổi")
    replies = await bot.press("Đồng ý")
    assert "Mã biên nhận" in replies[-1].text
    with bot.app.store.session() as s:
        assert s.exec(select(Report)).one().project == "*"


async def test_correction_keeps_every_version_golden(make_bot, request) -> None:
    bot, script = make_bot("ctv-demo"), Transcript()
    await talk(bot, ["/baocao", DA5, "3", "2", "Bỏ qua", "Bỏ qua", "Đồng ý"])
    receipt = versions(bot.app)[0][0]
    await talk(bot, ["/baocaocuatoi"], script)
    replies = await bot.press(f"Sửa {receipt}")
    script.user(f"(bấm: Sửa {receipt})")
    script.bot(replies)
    await talk(bot, ["4", "2", "Bỏ qua", "Bỏ qua", "Đồng ý", "/baocaocuatoi"], script)
    script.check("report-correction-vi", request, mask={receipt: "BC-XXXXX"})
    assert [v[1:] for v in versions(bot.app)] == [
        (1, {"nha_khoicong": 3, "nha_hoanthanh": 2}), (2, {"nha_khoicong": 4, "nha_hoanthanh": 2})]


async def test_late_message_keeps_its_own_date(make_bot, clock) -> None:
    """A report confirmed from a phone that was offline counts for the month it was sent."""
    bot = make_bot("ctv-demo")
    clock.now = datetime(2026, 4, 1, 3, 0, tzinfo=UTC)  # received on 1 April
    await talk(bot, ["/baocao", "Không có thay đổi"])
    await bot.say("Đồng ý", sent_at=datetime(2026, 3, 31, 16, 0, tzinfo=UTC))  # 23:00 local
    with bot.app.store.session() as s:
        assert s.exec(select(Report)).one().period == "2026-03"


async def test_correction_is_closed_after_the_period(make_bot, clock) -> None:
    bot = make_bot("ctv-demo")
    await talk(bot, ["/baocao", DA5, "3", "2", "Bỏ qua", "Bỏ qua", "Đồng ý"])
    receipt = versions(bot.app)[0][0]
    clock.advance(days=40)
    replies = await bot.send(Press(f"fix:{receipt}"))  # a forged or stale button press
    assert "không còn sửa được" in replies[0].text
    assert len(versions(bot.app)) == 1


async def test_another_village_cannot_touch_my_report(make_bot, app) -> None:
    bot = make_bot("ctv-demo")
    await talk(bot, ["/baocao", DA5, "3", "2", "Bỏ qua", "Bỏ qua", "Đồng ý"])
    receipt = versions(app)[0][0]
    replies = await make_bot("nguoidan-demo").send(Press(f"fix:{receipt}"))
    assert "không dành cho tài khoản của bạn" in replies[0].text


async def test_photo_outside_a_report_is_answered_politely(bot) -> None:
    replies = await bot.send_photo("some-photo")
    assert "chỉ nhận ảnh" in replies[0].text


async def test_the_prompt_names_only_the_target_of_the_reports_own_year(make_bot, clock) -> None:
    from tests.officer.helpers import local

    clock.now = local("2023-05-10T09:00")
    replies = await talk(make_bot("ctv-demo"), ["/baocao", DA5])
    assert "Chỉ tiêu năm 2023 của cả tỉnh: 264." in replies[-1].text
    clock.now = local("2026-05-10T09:00")
    replies = await talk(make_bot("ctv-demo"), ["/huy", "/baocao", DA5])
    assert "Chỉ tiêu" not in replies[-1].text and "264" not in replies[-1].text
