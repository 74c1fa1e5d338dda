"""Personal data: the consent notice the first time, /dulieucuatoi, /xoadulieu, retention."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import func, select

from storage.models import (
    CitizenQuestion,
    Consent,
    Identity,
    LinkCode,
    MessageLog,
    SavedAssessment,
    User,
)
from tests.test_household import NO_DEPRIVATION, members
from tests.test_report import talk

SELF_CHECK = ["/tudanhgia", "1", "4", "1", "8 triệu", *NO_DEPRIVATION]


def count(app, model, **where) -> int:
    with app.store.session() as s:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(s.exec(query).one())


def user_id(app, handle: str) -> int:
    with app.store.session() as s:
        return s.exec(select(User.id).where(User.handle == handle)).one()


async def test_the_notice_comes_the_first_time_and_the_acceptance_is_kept(bot, app, clock):
    replies = await talk(bot, SELF_CHECK)
    assert "Về dữ liệu cá nhân" in replies[-1].text and "Chỉ bạn xem được" in replies[-1].text
    await talk(bot, ["Đồng ý"])
    with app.store.session() as s:
        [consent] = s.exec(select(Consent)).all()
        assert consent.purpose == "assessment" and consent.accepted_at.replace(
            tzinfo=clock.now.tzinfo) == clock.now
    replies = await talk(bot, SELF_CHECK)
    assert "Về dữ liệu cá nhân" not in replies[-1].text  # said once, not every time


async def test_declining_keeps_nothing_not_even_the_consent(bot, app) -> None:
    await talk(bot, [*SELF_CHECK, "Không"])
    assert count(app, Consent) == 0 and count(app, SavedAssessment) == 0


async def test_a_question_is_passed_on_only_after_the_notice(bot, app) -> None:
    replies = await bot.say("bóng đá ngoại hạng anh")
    await bot.press("Chuyển câu hỏi cho cán bộ")
    assert "Về dữ liệu cá nhân" in bot.last[0].text
    assert count(app, CitizenQuestion, status="open") == 0
    replies = await bot.press("Đồng ý chuyển câu hỏi")
    assert "Đã chuyển câu hỏi" in replies[0].text and count(app, CitizenQuestion, status="open")
    assert count(app, Consent, purpose="question") == 1


async def test_the_collaborator_is_told_once_what_a_household_record_keeps(make_bot, app):
    ctv = make_bot("ctv-demo")
    start = ["/hogiadinh", "Tìm hộ đã có", "kator van mihn", "Katơr Văn Minh", "Thoát nghèo",
             *members(2), "Cả nhà mỗi tháng", "8 triệu", *NO_DEPRIVATION]
    replies = await talk(ctv, start)
    assert "Cán bộ xã duyệt và xem đủ tên" in replies[-1].text
    await talk(ctv, ["Đồng ý"])
    replies = await talk(ctv, start)
    assert "Cán bộ xã duyệt và xem đủ tên" not in replies[-1].text
    assert count(app, Consent, purpose="household") == 1


async def test_my_data_lists_what_is_kept(bot, app) -> None:
    await talk(bot, [*SELF_CHECK, "Đồng ý"])
    replies = await bot.say("/dulieucuatoi")
    text = replies[0].text
    assert "Kết quả tự đánh giá đã lưu: 1" in text and "không ghi nội dung bạn gõ" in text
    assert "lưu kết quả tự đánh giá" in text and "/xoadulieu" in text


async def test_a_citizen_deletes_their_data_and_starts_afresh(make_bot, app) -> None:
    bot = make_bot("nguoidan-demo")
    await talk(bot, [*SELF_CHECK, "Đồng ý", "/lienket"])
    await bot.say("bóng đá ngoại hạng anh")
    await bot.press("Chuyển câu hỏi cho cán bộ")
    await bot.press("Đồng ý chuyển câu hỏi")
    old = user_id(app, "nguoidan-demo")
    assert count(app, MessageLog, user_id=old) > 0 and count(app, LinkCode, user_id=old) == 1
    replies = await talk(bot, ["/xoadulieu"])
    assert "không hoàn tác được" in replies[0].text
    replies = await talk(bot, ["Đồng ý"])
    assert "Đã xóa dữ liệu của bạn" in replies[0].text
    for model in (CitizenQuestion, SavedAssessment, MessageLog, LinkCode, Consent, Identity):
        assert count(app, model, user_id=old) == 0, model.__name__
    with app.store.session() as s:
        stub = s.get(User, old)
        assert stub is not None and stub.area_id is None and stub.handle is None
    replies = await bot.say("/dulieucuatoi")  # the same chat, a new and empty citizen
    assert "Câu hỏi đã gửi: 0" in replies[0].text and "chưa gắn với thôn" in replies[0].text


async def test_declining_the_deletion_deletes_nothing(bot, app) -> None:
    await talk(bot, [*SELF_CHECK, "Đồng ý", "/xoadulieu", "Không"])
    assert count(app, SavedAssessment) == 1


async def test_staff_cannot_delete_programme_records_themselves(make_bot) -> None:
    replies = await make_bot("ctv-demo").say("/xoadulieu")
    assert "không dành cho tài khoản của bạn" in replies[0].text
    replies = await make_bot("ctv-demo").say("/dulieucuatoi")
    assert "hồ sơ của chương trình" in replies[0].text


async def test_retention_removes_old_message_logs_and_media(app, clock, tmp_path) -> None:
    import os

    from scheduler.retention import purge

    with app.store.session() as s:
        s.add(MessageLog(at=clock.now - timedelta(days=400), channel="memory", direction="in",
                         kind="text"))
        s.add(MessageLog(at=clock.now - timedelta(days=10), channel="memory", direction="in",
                         kind="text"))
    media = tmp_path / "media" / "telegram"
    media.mkdir(parents=True)
    old, new = media / "old.jpg", media / "new.jpg"
    old.write_bytes(b"x")
    new.write_bytes(b"y")
    aged = (clock.now - timedelta(days=400)).timestamp()
    os.utime(old, (aged, aged))
    recent = (clock.now - timedelta(days=10)).timestamp()
    os.utime(new, (recent, recent))
    done = purge(app.store, clock.now, days=365, media_dir=tmp_path / "media")
    assert done == {"log": 1, "media": 1, "drafts": 0}
    assert not old.exists() and new.exists()
    assert count(app, MessageLog) == 1


async def test_the_deletion_leaves_an_audit_stub_with_counts_only(make_bot, app) -> None:
    from storage.audit import AuditEntry

    bot = make_bot("nguoidan-demo")
    await talk(bot, [*SELF_CHECK, "Đồng ý", "/xoadulieu", "Đồng ý"])
    with app.store.session() as s:
        [entry] = s.exec(select(AuditEntry).where(AuditEntry.action == "delete_own_data")).all()
    assert entry.target == "user" and "assessments=1" in entry.detail
    assert "8 triệu" not in entry.detail and entry.area_id is None


async def _report_with_photo(make_bot) -> str:
    ctv = make_bot("ctv-demo")
    await talk(ctv, ["/baocao", "Dự án 5: Hỗ trợ nhà ở hộ nghèo, cận nghèo ở huyện nghèo",
                     "3", "2", "Bỏ qua"])
    await ctv.send_photo("AgACAgUAAx-wrong-photo")
    replies = await talk(ctv, ["Bỏ qua", "Đồng ý"])
    return replies[-1].text.split("Mã biên nhận: ")[1].split()[0]


async def test_an_officer_removes_a_mistaken_photo_with_a_reason(make_bot, app) -> None:
    from storage.audit import AuditEntry
    from storage.models import ReportVersion

    receipt = await _report_with_photo(make_bot)
    officer = make_bot("canbo-demo")
    replies = await talk(officer, [f"/xoaanh {receipt}"])
    assert "Lý do xóa" in replies[0].text and "bắt buộc" in replies[0].text
    assert not any(b.label.startswith("Không") for b in replies[0].buttons)
    replies = await talk(officer, ["ảnh chụp nhầm nhà khác", "Đồng ý"])
    assert "Đã xóa" in replies[0].text
    with app.store.session() as s:
        assert [v.evidence for v in s.exec(select(ReportVersion)).all()] == [[]]
        [entry] = s.exec(select(AuditEntry).where(AuditEntry.action == "delete_evidence")).all()
        assert entry.detail == "reason=ảnh chụp nhầm nhà khác" and entry.role == "officer"


async def test_nobody_else_removes_a_photo(make_bot, app) -> None:
    receipt = await _report_with_photo(make_bot)
    replies = await make_bot("ctv-demo").say(f"/xoaanh {receipt}")
    assert "không dành cho tài khoản của bạn" in replies[0].text
    replies = await make_bot("canbo-khac").say(f"/xoaanh {receipt}")  # a stranger: citizen
    assert "không dành cho tài khoản của bạn" in replies[0].text
    replies = await make_bot("canbo-demo").say("/xoaanh BC-KHONG1")
    assert "mã biên nhận của báo cáo trong địa bàn" in replies[0].text


async def test_an_officer_removes_a_mistaken_question(make_bot, app) -> None:
    citizen = make_bot("nguoidan-demo")
    await citizen.say("zzzz qwv nhầm rồi")
    await citizen.press("Chuyển câu hỏi cho cán bộ")
    await citizen.press("Đồng ý chuyển câu hỏi")
    with app.store.session() as s:
        number = s.exec(select(CitizenQuestion.id)).one()
    await talk(make_bot("canbo-demo"), [f"/xoacauhoi {number}", "người dân gửi nhầm",
                                        "Đồng ý"])
    assert count(app, CitizenQuestion) == 0


async def test_without_a_receipt_the_receipt_is_asked(make_bot, app) -> None:
    receipt = await _report_with_photo(make_bot)
    officer = make_bot("canbo-demo")
    replies = await talk(officer, ["/xoaanh"])
    assert "Mã biên nhận của báo cáo" in replies[0].text
    replies = await talk(officer, ["BC-KHONG1"])
    assert "mã biên nhận của báo cáo trong địa bàn" in replies[0].text
    replies = await talk(officer, [receipt.lower()])
    assert "Lý do xóa" in replies[0].text
