"""Officers approve or reject household updates; only approval changes the register."""

from __future__ import annotations

from sqlmodel import select

from bot.base.messages import Press
from storage.models import Household, HouseholdUpdate
from tests.test_household import NO_DEPRIVATION, members
from tests.test_report import talk
from tests.transcript import Transcript


async def submit(make_bot, name="kator van mihn", event="Thoát nghèo"):
    collaborator = make_bot("ctv-demo")
    await talk(collaborator, ["/hogiadinh", "Tìm hộ đã có", name, "1", event, *members(4),
                              "Cả nhà mỗi tháng", "8 triệu", *NO_DEPRIVATION, "Đồng ý"])
    return collaborator


def household(app, name):
    with app.store.session() as s:
        return s.exec(select(Household).where(Household.head_name == name)).one()


async def test_approval_changes_the_register_and_tells_the_collaborator(make_bot, request):
    collaborator = await submit(make_bot)
    officer, script = make_bot("canbo-demo"), Transcript()
    await talk(officer, ["/duyet"], script)
    await officer.press("Duyệt")
    script.user("(bấm: Duyệt)")
    script.bot(officer.last)
    await talk(officer, ["Hộ đã có việc làm ổn định", "Đồng ý"], script)
    script.check("approve-vi", request)
    assert household(officer.app, "Katơr Văn Minh").status == "escaped"
    told = await collaborator.say("/start")
    assert "đã được cán bộ xã DUYỆT" in told[0].text and "Katơr Văn Minh" in told[0].text
    again = await collaborator.say("/start")
    assert "DUYỆT" not in again[0].text  # told once


async def test_rejection_needs_a_reason_asked_once_and_changes_nothing(make_bot, request):
    collaborator = await submit(make_bot)
    officer = make_bot("canbo-demo")
    await officer.say("/duyet")
    asked = await officer.press("Từ chối")
    assert "Lý do từ chối (bắt buộc" in asked[0].text
    assert [b.label for b in asked[0].buttons] == ["Quay lại"]  # no "no reason" to press
    replies = await officer.say("...")
    assert "Lý do từ chối" in replies[-1].text  # asked again until there is a reason
    assert household(officer.app, "Katơr Văn Minh").status == "near_poor"
    await officer.say("/huy")
    script = Transcript()
    await talk(officer, ["/duyet"], script)
    script.user("(bấm: Từ chối)")
    script.bot(await officer.press("Từ chối"))
    await talk(officer, ["Thu nhập chưa được xác minh", "Đồng ý"], script)
    with officer.app.store.session() as s:
        assert s.exec(select(HouseholdUpdate)).one().decision == "rejected"
    await talk(collaborator, ["/baocaocuatoi"], script)
    script.check("reject-vi", request)
    told = "\n".join(script.lines[-12:])  # what the collaborator saw next
    assert "bị cán bộ xã TỪ CHỐI" in told and "chưa được xác minh" in told
    assert "Cập nhật số 1 (Katơr Văn Minh, Thôn Mẫu Một (dữ liệu mẫu): Thoát nghèo)" in told


async def test_a_new_household_is_added_on_approval(make_bot):
    collaborator = make_bot("ctv-demo")
    await talk(collaborator, ["/hogiadinh", "Thêm hộ mới", "Đinh Văn Mới", "Mới rơi vào nghèo",
                              *members(3), "Mỗi người mỗi tháng", "900 nghìn", *(["1"] * 12),
                              "Đồng ý"])
    officer = make_bot("canbo-demo")
    await officer.say("/duyet")
    await officer.press("Duyệt")
    await talk(officer, ["Không cần ghi chú", "Đồng ý"])
    assert household(officer.app, "Đinh Văn Mới").status == "poor"
    assert household(officer.app, "Đinh Văn Mới").members == 3


async def test_others_cannot_decide(make_bot):
    await submit(make_bot)
    with make_bot().app.store.session() as s:
        number = s.exec(select(HouseholdUpdate)).one().id
    for user in ["ctv-demo", "nguoidan-demo"]:
        replies = await make_bot(user).send(Press(f"decide:{number}:approved"))
        assert "không dành cho tài khoản của bạn" in replies[0].text
    replies = await make_bot("ctv-demo").say("/duyet")
    assert "không dành cho tài khoản của bạn" in replies[0].text


async def test_an_update_is_decided_once(make_bot, app):
    await submit(make_bot)
    first, second = make_bot("canbo-demo"), make_bot("admin-demo")
    await first.say("/duyet")
    await second.say("/duyet")
    await first.press("Duyệt")
    await second.press("Từ chối")
    await talk(first, ["Không cần ghi chú", "Đồng ý"])
    replies = await talk(second, ["trùng", "Đồng ý"])
    assert "đã được xử lý" in replies[0].text
    with app.store.session() as s:
        assert s.exec(select(HouseholdUpdate)).one().decision == "approved"
