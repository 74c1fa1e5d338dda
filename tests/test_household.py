"""Collaborators' household updates (/hogiadinh) through the real app."""

from __future__ import annotations

import json

from sqlmodel import select

from storage.models import Conversation, Household, HouseholdUpdate
from tests.test_report import talk
from tests.transcript import Transcript

NO_DEPRIVATION = ["2"] * 12  # the 12 questions of 07/2021 (test clock: 2026); "Có" = deprived
PEOPLE = [("Minh", "Chủ hộ", "1975"), ("Lan", "Vợ/chồng", "1978"), ("Tuấn", "Con", "2005"),
          ("Hà", "Con", "2012"), ("Bà Sáu", "Cha/mẹ", "1950")]


def members(count: int) -> list[str]:
    """What a collaborator types to list ``count`` members, then "Done"."""
    lines: list[str] = []
    for i in range(count):
        name, relation, born = PEOPLE[i % len(PEOPLE)]
        lines += ["Thêm người", name, relation, born]
    return [*lines, f"Xong ({count} người)"]


def updates(app) -> list[HouseholdUpdate]:
    with app.store.session() as s:
        return list(s.exec(select(HouseholdUpdate)).all())


def household_id(app, name: str) -> int:
    with app.store.session() as s:
        return s.exec(select(Household).where(Household.head_name == name)).one().id


async def test_update_existing_found_by_misspelt_name_without_accents(make_bot, request):
    bot, script = make_bot("ctv-demo"), Transcript()
    await talk(bot, ["/hogiadinh", "Tìm hộ đã có", "kator van mihn", "Katơr Văn Minh",
                     "Thoát nghèo", *members(4), "Cả nhà mỗi tháng", "8 triệu", *NO_DEPRIVATION,
                     "Đồng ý"], script)
    script.check("household-update-existing-vi", request)
    said = "\n".join(script.lines)
    assert "hộ này có thể thuộc diện" in said  # the collaborator reports on a household
    assert "của bạn" not in said and "Nhà bạn" not in said
    [update] = updates(bot.app)
    assert update.household_id == household_id(bot.app, "Katơr Văn Minh")
    assert update.event == "escaped" and update.decision == "pending"
    assert update.indicated_status == "average"  # 2,000,000 a person, rural


async def test_new_household_shows_likely_duplicate_first(make_bot, request):
    bot, script = make_bot("ctv-demo"), Transcript()
    replies = await talk(bot, ["/hogiadinh", "Thêm hộ mới", "Nguyen Thi Lann"], script)
    assert [b.label for b in replies[-1].buttons][:2] == ["Nguyễn Thị Lan",
                                                          "Không, đây là hộ mới"]
    await talk(bot, ["Không, đây là hộ mới", "Mới rơi vào nghèo", *members(3),
                     "Mỗi người mỗi tháng",
                     "900 nghìn", "1", "2", "2", "1", "2", "2", "1", "2", "2", "2", "2", "2",
                     "Đồng ý"], script)
    script.check("household-new-vi", request)
    [update] = updates(bot.app)
    assert update.household_id is None and update.data["name"] == "Nguyen Thi Lann"
    assert update.indicated_status == "poor"
    assert [m["relation"] for m in update.data["answers"]["members"]] == ["head", "spouse",
                                                                          "child"]


async def test_the_register_does_not_change_before_approval(make_bot):
    bot = make_bot("ctv-demo")
    await talk(bot, ["/hogiadinh", "1", "Pi Nang Thi Hoa", "1", "Chuyển đi nơi khác", "Đồng ý"])
    with bot.app.store.session() as s:
        assert s.exec(select(Household).where(Household.head_name == "Pi Năng Thị Hoa")
                      ).one().status == "poor"
    assert updates(bot.app)[0].event == "moved"


async def test_another_villages_household_is_refused(make_bot, request):
    """A household of Thôn Mẫu Hai cannot be picked from Thôn Mẫu Một, even by forged data."""
    bot, script = make_bot("ctv-demo"), Transcript()
    await talk(bot, ["/hogiadinh", "Tìm hộ đã có", "Le Thi Hong Nhung"], script)
    other = household_id(bot.app, "Lê Thị Hồng Nhung")
    await talk(bot, [f"dlg:{other}"], script)  # what a forged button press would send
    script.check("household-out-of-scope-vi", request)
    assert "chọn một trong các lựa chọn" in script.lines[-3]
    assert updates(bot.app) == []


async def test_citizens_and_officers_cannot_update_households(make_bot):
    for user in ["nguoidan-demo", "canbo-demo", "admin-demo"]:
        replies = await make_bot(user).say("/hogiadinh")
        assert "không dành cho tài khoản của bạn" in replies[0].text


async def test_the_dialog_keeps_only_the_names_close_to_what_was_typed(make_bot):
    """A village of 300 households: its register is not copied into the chat's state; only
    the few heads whose names are close to the typed one are offered and kept."""
    bot = make_bot("ctv-demo")
    with bot.app.store.session() as s:
        village = s.exec(select(Household)).first().area_id
        s.add_all([Household(area_id=village, head_name=f"Hộ Số {i} Phước Hà", members=4)
                   for i in range(300)])
    await talk(bot, ["/hogiadinh", "Tìm hộ đã có"])
    assert "_households" not in state(bot.app)["answers"]
    replies = await talk(bot, ["nguyen thi lan"])
    assert replies[-1].buttons[0].label == "Nguyễn Thị Lan"
    kept = state(bot.app)["answers"]["_households"]
    assert 1 <= len(kept) <= 5 and all("Phước Hà" not in name for _, name in kept)
    assert len(json.dumps(state(bot.app), ensure_ascii=False)) < 1500


def state(app) -> dict:
    with app.store.session() as s:
        return s.exec(select(Conversation).where(Conversation.chat_id == "ctv-demo")).one().dialog


async def test_members_are_added_corrected_and_removed(make_bot) -> None:
    bot = make_bot("ctv-demo")
    await talk(bot, ["/hogiadinh", "Tìm hộ đã có", "kator van mihn", "Katơr Văn Minh",
                     "Thay đổi nhân khẩu", *members(3)[:-1]])
    replies = await talk(bot, ["Sửa 2", "Giữ như cũ", "Con", "1980"])  # a slip corrected
    assert "2. Lan — Con, sinh năm 1980" in replies[0].text
    replies = await talk(bot, ["Xóa 3"])
    assert "Đã xóa: Tuấn — Con, sinh năm 2005" in replies[0].text
    replies = await talk(bot, ["Thêm người", "Bé", "Thôi, không lưu người này"])
    assert "Bé" not in replies[0].text and "2. Lan" in replies[0].text
    replies = await talk(bot, ["Xong (2 người)", "Quay lại"])  # back to the list: kept
    assert "1. Minh — Chủ hộ" in replies[0].text and "2. Lan — Con" in replies[0].text
    await talk(bot, ["Xong (2 người)", "Cả nhà mỗi tháng", "4 triệu", *NO_DEPRIVATION,
                     "Đồng ý"])
    [update] = updates(bot.app)
    assert update.data["answers"]["members"] == [
        {"name": "Minh", "relation": "head", "born": 1975},
        {"name": "Lan", "relation": "child", "born": 1980}]
    assert update.indicated_status == "average"  # 4,000,000 for 2 people: 2 million each


async def test_a_household_needs_at_least_one_member(make_bot) -> None:
    bot = make_bot("ctv-demo")
    replies = await talk(bot, ["/hogiadinh", "Tìm hộ đã có", "kator van mihn", "Katơr Văn Minh",
                               "Thay đổi nhân khẩu"])
    assert not any(b.label.startswith("Xong") for b in replies[0].buttons)
    replies = await talk(bot, ["Thêm người", "12345"])
    assert "Tên gọi cần có chữ" in replies[0].text


async def test_in_2027_the_collaborator_asks_the_351_2025_questions(make_bot, clock):
    """The same questions as the self-assessment, by the year's standard: 13 from 2027."""
    from datetime import UTC, datetime

    clock.now = datetime(2027, 2, 1, 2, 0, tzinfo=UTC)
    bot = make_bot("ctv-demo")
    replies = await talk(bot, ["/hogiadinh", "Tìm hộ đã có", "kator van mihn", "Katơr Văn Minh",
                               "Thoát nghèo", *members(2), "Mỗi người mỗi tháng", "2.100.000"])
    assert replies[-1].text.startswith("(1/13)")
    replies = await talk(bot, ["2"] * 10)
    assert replies[-1].text.startswith("(11/13)") and "rác" in replies[-1].text
    replies = await talk(bot, ["1", "2", "1"])   # waste and digital services: deprived
    summary = replies[-1].text
    assert "Nghị định 351/2025/NĐ-CP" in summary and "2.200.000" in summary
    assert "HỘ CẬN NGHÈO" in summary   # 2 deprivations, under the 2027 line
    assert "UBND xã sẽ quyết định" in summary   # rests on unconfirmed thresholds
    await talk(bot, ["Đồng ý"])
    [update] = updates(bot.app)
    assert update.standard_id == "nd351-2025" and update.indicated_status == "near_poor"


async def test_in_the_autumn_review_the_collaborator_chooses_the_year(make_bot, clock):
    """The review at the end of 2026 draws up the lists for 2027: the collaborator says which
    year the household is updated for, and next year's update follows 351/2025."""
    from datetime import UTC, datetime

    clock.now = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)
    bot = make_bot("ctv-demo")
    replies = await talk(bot, ["/hogiadinh", "Tìm hộ đã có", "kator van mihn", "Katơr Văn Minh",
                               "Thoát nghèo", *members(2)])
    asked = replies[-1]
    assert "Hộ này được cập nhật cho năm nào?" in asked.text
    assert "Năm 2027: theo chuẩn nghèo Nghị định 351/2025/NĐ-CP" in asked.text
    assert [b.label for b in asked.buttons][:2] == ["Năm nay", "Năm sau"]
    replies = await talk(bot, ["Năm sau", "Mỗi người mỗi tháng", "2.100.000"])
    assert replies[-1].text.startswith("(1/13)")
    await talk(bot, ["2"] * 13 + ["Đồng ý"])
    [update] = updates(bot.app)
    assert update.standard_id == "nd351-2025"


async def test_out_of_the_review_season_the_year_is_not_asked(make_bot, clock):
    from datetime import UTC, datetime

    clock.now = datetime(2026, 5, 4, 2, 0, tzinfo=UTC)
    bot = make_bot("ctv-demo")
    replies = await talk(bot, ["/hogiadinh", "Tìm hộ đã có", "kator van mihn", "Katơr Văn Minh",
                               "Thoát nghèo", *members(2), "Mỗi người mỗi tháng", "900 nghìn"])
    assert replies[-1].text.startswith("(1/12)")  # 07/2021's twelve, no year question
