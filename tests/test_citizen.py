"""Citizens' questions answered from the plan, through the real app."""

from __future__ import annotations

from sqlmodel import select

from bot.base.messages import Press
from storage.models import CitizenQuestion
from tests.transcript import Transcript

WITH = "hộ cận nghèo có được hỗ trợ bảo hiểm y tế không"
WITHOUT = "ho can ngheo co dc ho tro bhyt ko"


async def test_same_answer_with_and_without_diacritics(make_bot, request) -> None:
    bot, script = make_bot("cit-1"), Transcript()
    for line in [WITH, WITHOUT]:
        script.user(line)
        script.bot(await bot.say(line))
    script.check("ask-diacritics-vi", request)
    first, second = (await bot.say(WITH))[0], (await bot.say(WITHOUT))[0]
    assert first.text == second.text
    assert "mục II.2.2.b" in first.text and "Sở Y tế" in first.text  # the plan's numbering
    assert "CS.y-te" not in first.text  # and never the internal id


async def test_off_topic_is_not_answered_and_can_go_to_an_officer(make_bot, request) -> None:
    bot, script = make_bot("nguoidan-demo"), Transcript()
    script.user("giá xăng hôm nay")
    replies = await bot.say("giá xăng hôm nay")
    script.bot(replies)
    assert "chưa chắc hiểu đúng" in replies[0].text
    script.user("Chuyển câu hỏi cho cán bộ")
    replies = await bot.press("Chuyển câu hỏi cho cán bộ")
    script.bot(replies)
    assert "Về dữ liệu cá nhân" in replies[0].text  # the first question: what passing means
    script.user("Đồng ý chuyển câu hỏi")
    replies = await bot.press("Đồng ý chuyển câu hỏi")
    script.bot(replies)
    script.check("ask-offtopic-handoff-vi", request)
    with bot.app.store.session() as s:
        [question] = s.exec(select(CitizenQuestion)).all()
        assert question.status == "open" and question.text == "giá xăng hôm nay"
        assert question.area_id is not None  # the demo citizen's village


async def test_a_question_is_passed_on_once(make_bot) -> None:
    bot = make_bot("nguoidan-demo")
    replies = await bot.say("bóng đá ngoại hạng anh")
    handoff = next(b for b in replies[0].buttons if b.data.startswith("handoff:"))
    await bot.send(Press(handoff.data))
    await bot.press("Đồng ý chuyển câu hỏi")
    again = await bot.send(Press(handoff.data))
    assert "đã được chuyển" in again[0].text


async def test_nobody_else_can_pass_on_my_question(make_bot) -> None:
    replies = await make_bot("cit-a").say("zzzz xyz")
    handoff = next(b for b in replies[0].buttons if b.data.startswith("handoff:"))
    stolen = await make_bot("cit-b").send(Press(handoff.data))
    assert "hết hiệu lực" in stolen[0].text


async def test_topics_browse_to_an_entry_with_its_citation(make_bot) -> None:
    bot = make_bot("cit-2")
    replies = await bot.say("/chude")
    assert len(replies[0].buttons) >= 14  # 7 projects, the policies, the standard
    replies = await bot.press("Nhà ở cho hộ nghèo ở huyện nghèo")
    replies = await bot.press(replies[0].buttons[0].label)
    assert "mục II.2.1.đ" in replies[0].text and "Sở Xây dựng" in replies[0].text
    assert "DA5" not in replies[0].text


async def test_typos_and_abbreviations(make_bot) -> None:
    bot = make_bot("cit-3")
    replies = await bot.say("vay von ngan hang chinh sach cho ho ngheo dc ko")
    assert "mục II.2.2.a – Chính sách tín dụng" in replies[0].text
    replies = await bot.say("xkld di lam o nuoc ngoai")
    assert "mục II.2.1.d" in replies[0].text and "đi làm việc ở nước ngoài" in replies[0].text


async def test_english_user_gets_english_framing(make_bot) -> None:
    replies = await make_bot("visitor", language="en").say("football scores")
    assert "not sure" in replies[0].text


async def test_officer_answers_and_the_citizen_is_told(make_bot, request) -> None:
    citizen = make_bot("nguoidan-demo")
    await citizen.say("cho tôi hỏi lịch họp thôn tháng này")
    await citizen.press("Chuyển câu hỏi cho cán bộ")
    await citizen.press("Đồng ý chuyển câu hỏi")
    officer, script = make_bot("canbo-demo"), Transcript()
    script.user("/cauhoi")
    script.bot(await officer.say("/cauhoi"))
    script.user("(bấm: Trả lời)")
    script.bot(await officer.press("Trả lời"))
    for line in ["Họp thôn vào tối thứ Sáu tuần này tại nhà văn hóa.", "Đồng ý"]:
        script.user(line)
        script.bot(await officer.say(line))
    script.check("questions-answer-vi", request)
    told = await citizen.say("/start")
    assert "đã trả lời câu hỏi của bạn" in told[0].text and "thứ Sáu" in told[0].text


async def test_out_of_area_officer_cannot_answer(make_bot, app) -> None:
    citizen = make_bot("citizen-without-area")
    await citizen.say("zzzz xyz")
    await citizen.press("Chuyển câu hỏi cho cán bộ")
    await citizen.press("Đồng ý chuyển câu hỏi")
    replies = await make_bot("canbo-demo").say("/cauhoi")
    assert "Không có câu hỏi" in replies[0].text  # no area: goes to the province
    replies = await make_bot("admin-demo").say("/cauhoi")
    assert "zzzz xyz" in replies[0].text


async def test_greetings_and_thanks_are_not_questions(make_bot) -> None:
    bot = make_bot("cit-4")
    assert (await bot.say("Xin chào!"))[0].text.startswith("Xin chào! Bạn cứ gõ câu hỏi")
    assert (await bot.say("cam on nhe"))[0].text.startswith("Mình chưa chắc")  # not exact
    assert (await bot.say("Cảm ơn"))[0].text.startswith("Không có gì")


async def test_start_reminds_of_a_paused_dialog(make_bot) -> None:
    bot = make_bot("cit-5")
    await bot.say("/tudanhgia")
    replies = await bot.say("/start")
    assert replies[0].text.startswith("Xin chào!") and "đang làm dở" in replies[1].text
    replies = await bot.press("Hủy")
    assert "Đã hủy" in replies[0].text
