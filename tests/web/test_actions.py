"""What officers do on the dashboard reaches the same storage and the same people as the
chat: decisions change the register and tell the collaborator, answers reach the citizen,
an approved month is locked for the collaborator until it is un-approved; all audited."""

from __future__ import annotations

from sqlmodel import select

from storage import audit, review
from storage.models import CitizenQuestion, Household, HouseholdUpdate, Report
from tests.security.world import ADMIN, CITIZEN, COLLABORATOR, OFFICER, World, texts
from tests.web.helpers import csrf, sign_in, text_of

MARCH = "2026-03"


def entries(world: World) -> list[audit.AuditEntry]:
    with world.store.session() as s:
        return audit.entries(s, None, limit=100)


def test_approving_an_update_changes_the_register_and_tells_the_collaborator(
        world: World) -> None:
    browser = sign_in(world, OFFICER)
    number = world.ids["update"]
    done = browser.post(f"/approvals/update/{number}",
                        data={"csrf": csrf(browser), "decision": "approved"})
    assert f"Đã duyệt cập nhật số {number}" in text_of(done.text)
    with world.store.session() as s:
        update = s.get(HouseholdUpdate, number)
        assert update is not None and update.decision == "approved"
        household = s.get(Household, update.household_id)
        assert household is not None and household.status == "poor"
    told = " ".join(texts(world.say(COLLABORATOR, "/menu")))
    assert f"Cập nhật số {number} (kator van mihn" in told and "cán bộ xã DUYỆT" in told
    last = entries(world)[0]
    assert (last.action, last.via, last.target_id) == ("approve_update", "web", str(number))
    again = browser.post(f"/approvals/update/{number}",
                         data={"csrf": csrf(browser), "decision": "rejected", "reason": "x"})
    assert "đã được cán bộ khác xử lý" in text_of(again.text)


def test_rejecting_needs_a_reason_which_the_collaborator_reads(world: World) -> None:
    browser = sign_in(world, OFFICER)
    number, token = world.ids["update"], csrf(browser)
    bare = browser.post(f"/approvals/update/{number}", data={"csrf": token,
                                                             "decision": "rejected"})
    assert "xin ghi lý do" in text_of(bare.text)
    with world.store.session() as s:
        assert s.get(HouseholdUpdate, number).decision == "pending"  # type: ignore[union-attr]
    browser.post(f"/approvals/update/{number}", data={
        "csrf": token, "decision": "rejected", "reason": "Hộ đã chuyển đi nơi khác"})
    told = " ".join(texts(world.say(COLLABORATOR, "/menu")))
    assert "TỪ CHỐI, sổ hộ không đổi. Lý do: Hộ đã chuyển đi nơi khác" in told
    assert "Hộ đã chuyển đi" not in " ".join(e.detail for e in entries(world))  # no free text


def test_an_answer_reaches_the_citizen(world: World) -> None:
    browser = sign_in(world, OFFICER)
    number = world.ids["question"]
    page = text_of(browser.get("/questions").text)
    assert "cho tôi hỏi lịch họp thôn tháng này" in page
    done = browser.post(f"/questions/{number}/answer", data={
        "csrf": csrf(browser), "answer": "Thôn họp tối thứ Năm, ngày 19, tại nhà văn hóa."})
    assert f"Đã gửi câu trả lời cho câu hỏi số {number}" in text_of(done.text)
    assert "Câu hỏi số" not in text_of(browser.get("/questions").text)
    told = " ".join(texts(world.say(CITIZEN, "xin chào")))
    assert "Cán bộ giảm nghèo đã trả lời câu hỏi của bạn" in told
    assert "tối thứ Năm, ngày 19" in told
    with world.store.session() as s:
        question = s.get(CitizenQuestion, number)
        assert question is not None and question.status == "answered"
    assert entries(world)[0].action == "answer_question"


def test_an_empty_answer_is_refused_politely(world: World) -> None:
    browser = sign_in(world, OFFICER)
    done = browser.post(f"/questions/{world.ids['question']}/answer",
                        data={"csrf": csrf(browser), "answer": "  ?? "})
    assert "cần có chữ" in text_of(done.text)
    assert "Câu hỏi số" in text_of(done.text)  # still waiting


def test_an_approved_month_is_locked_for_the_collaborator_until_unapproved(
        world: World) -> None:
    browser = sign_in(world, OFFICER)
    village = world.area_id("DEMO-22783-1")
    form = {"csrf": csrf(browser), "village": str(village), "period": MARCH}
    done = browser.post("/approvals/period", data={**form, "action": "approve"})
    assert "Đã duyệt báo cáo tháng" in text_of(done.text)
    told = " ".join(texts(world.say(COLLABORATOR, "/menu")))
    assert "Báo cáo tháng 3/2026 của Thôn Mẫu Một (dữ liệu mẫu) đã được cán bộ duyệt" in told
    mine = world.say(COLLABORATOR, "/baocaocuatoi")
    assert "đã duyệt" in mine[0].text and not any(b.data.startswith("fix:")
                                                  for b in mine[0].buttons)
    fix = world.say(COLLABORATOR, callback=f"fix:{world.ids['receipt']}")
    assert "đã được cán bộ duyệt, nên không sửa hay gửi thêm được" in fix[0].text
    assert "không sửa hay gửi thêm" in world.say(COLLABORATOR, "/baocao")[0].text
    browser.post("/approvals/period", data={**form, "action": "unapprove"})
    mine = world.say(COLLABORATOR, "/baocaocuatoi")
    assert any(b.data == f"fix:{world.ids['receipt']}" for b in mine[-1].buttons)
    assert [e.action for e in entries(world)[:2]] == ["unapprove_period", "approve_period"]


def test_a_month_approved_while_a_correction_is_typed_is_not_changed(world: World) -> None:
    world.say(COLLABORATOR, callback=f"fix:{world.ids['receipt']}")  # the dialog starts
    browser = sign_in(world, OFFICER)
    browser.post("/approvals/period", data={
        "csrf": csrf(browser), "village": str(world.area_id("DEMO-22783-1")),
        "period": MARCH, "action": "approve"})
    world.talk(COLLABORATOR, ["5", "4", "Bỏ qua", "Bỏ qua"])
    done = " ".join(texts(world.say(COLLABORATOR, "Đồng ý")))
    assert "không sửa hay gửi thêm" in done and "Mã biên nhận" not in done
    with world.store.session() as s:
        report = s.exec(select(Report).where(Report.receipt == world.ids["receipt"])).one()
        assert report.version == 1


def test_a_month_without_reports_has_nothing_to_approve(world: World) -> None:
    browser = sign_in(world, OFFICER)
    done = browser.post("/approvals/period", data={
        "csrf": csrf(browser), "village": str(world.area_id("DEMO-22783-2")),
        "period": MARCH, "action": "approve"})
    assert "chưa có gì để duyệt" in text_of(done.text)
    with world.store.session() as s:
        assert not review.is_locked(s, world.area_id("DEMO-22783-2"), MARCH)


def test_the_audit_log_shows_chat_and_web_decisions(world: World) -> None:
    world.press(OFFICER, world.say(OFFICER, "/duyet"), "Duyệt")
    world.talk(OFFICER, ["Không ghi lý do", "Đồng ý"])
    assert (entries(world)[0].action, entries(world)[0].via) == ("approve_update", "chat")
    browser = sign_in(world, ADMIN)
    page = text_of(browser.get("/audit").text)
    assert "Đăng nhập trang web" in page and "qua trợ lý" in page
    assert f"cập nhật hộ số {world.ids['update']}" in page
