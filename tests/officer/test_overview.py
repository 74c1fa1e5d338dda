"""/tongquan: progress against the plan and this month's reports, as text and a chart."""

from __future__ import annotations

from pathlib import Path

from tests.officer.helpers import check_golden, local
from tests.test_report import DA5, talk
from tests.transcript import Transcript

PNG = b"\x89PNG\r\n\x1a\n"


async def report(make_bot, clock, when: str, values=("3", "2")) -> None:
    clock.now = local(when)
    await talk(make_bot("ctv-demo"), ["/baocao", DA5, *values, "Bỏ qua", "Bỏ qua", "Đồng ý"])


async def test_commune_overview_golden(make_bot, app, clock, request) -> None:
    await report(make_bot, clock, "2026-03-20T09:00")
    officer, script = make_bot("canbo-demo"), Transcript()
    clock.now = local("2026-03-27T09:00")
    replies = await talk(officer, ["/tongquan"], script)
    check_golden(script, "overview-commune-vi", request, {str(app.env.files()): "OUT"})
    assert Path(replies[1].image_path).read_bytes().startswith(PNG)
    # 2026 has no target in the data: the figures stand alone, never against 2023's 264
    assert "Nhà khởi công: 3 căn\n" in replies[0].text and "264" not in replies[0].text
    assert "Năm 2026 chưa có chỉ tiêu trong dữ liệu (có chỉ tiêu cho năm: 2023)" in replies[0].text


async def test_a_years_figures_are_compared_with_that_years_target(make_bot, clock) -> None:
    await report(make_bot, clock, "2023-03-20T09:00")
    clock.now = local("2023-03-27T09:00")
    text = (await make_bot("canbo-demo").say("/tongquan"))[0].text
    assert "Nhà khởi công: 3 căn / chỉ tiêu năm 2023 cả tỉnh 264 (đạt 1,1%)" in text
    assert "chưa có chỉ tiêu" not in text


async def test_province_overview_by_commune(make_bot, clock) -> None:
    await report(make_bot, clock, "2026-03-20T09:00")
    text = (await make_bot("admin-demo").say("/tongquan"))[0].text
    assert "theo xã" in text
    assert "• Xã Bác Ái Tây: 1/2 thôn đã báo cáo (50%), đúng hạn 1/2 (50%)" in text
    assert "• Xã Phước Dinh: 0/1 thôn đã báo cáo (0%)" in text
    assert "Cả địa bàn: 1/3 thôn đã báo cáo (33,3%)" in text


async def test_late_report_is_received_but_not_on_time(make_bot, clock) -> None:
    await report(make_bot, clock, "2026-03-26T09:00")
    text = (await make_bot("canbo-demo").say("/tongquan"))[0].text
    assert "Thôn Mẫu Một (dữ liệu mẫu): đã báo cáo, trễ hạn" in text
    assert "1/2 thôn đã báo cáo (50%), đúng hạn 0/2 (0%)" in text


async def test_a_late_correction_keeps_an_on_time_report_on_time(make_bot, clock) -> None:
    await report(make_bot, clock, "2026-03-20T09:00")
    await report(make_bot, clock, "2026-03-28T09:00", values=("5", "4"))  # a new version
    text = (await make_bot("canbo-demo").say("/tongquan"))[0].text
    assert "Thôn Mẫu Một (dữ liệu mẫu): đã báo cáo, đúng hạn" in text
    assert "Nhà khởi công: 5 căn" in text  # the latest version counts, once


async def test_figures_sum_over_the_year(make_bot, clock) -> None:
    await report(make_bot, clock, "2026-02-10T09:00", values=("1", "0"))
    await report(make_bot, clock, "2026-03-10T09:00", values=("3", "2"))
    text = (await make_bot("canbo-demo").say("/tongquan"))[0].text
    assert "Nhà khởi công: 4 căn" in text and "tháng 3/2026" in text
    feb = (await make_bot("canbo-demo").say("/tongquan 2026-02"))[0].text
    assert "tháng 2/2026" in feb and "đã báo cáo, đúng hạn" in feb


async def test_scope_is_the_officers_subtree(make_bot) -> None:
    refused = await make_bot("canbo-demo").say("/tongquan 22903")
    assert "không tìm thấy địa bàn đó trong phạm vi" in refused[0].text
    narrowed = (await make_bot("admin-demo").say("/tongquan 22783"))[0].text
    assert "Xã Phước Bình" in narrowed and "theo thôn" in narrowed


async def test_citizens_and_collaborators_are_refused(make_bot) -> None:
    for user in ("nguoidan-demo", "ctv-demo"):
        for command in ("/tongquan", "/xuat", "/thongbao"):
            replies = await make_bot(user).say(command)
            assert "không dành cho tài khoản của bạn" in replies[0].text


async def test_english(make_bot) -> None:
    officer = make_bot("canbo-demo")
    await officer.say("/lang en")
    replies = await officer.say("/overview")
    assert replies[0].text.startswith("OVERVIEW of Xã Bác Ái Tây")
    assert "not reported" in replies[0].text and replies[1].text == "Overview chart"
