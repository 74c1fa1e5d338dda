"""Answers a citizen can trust: only what the plan covers, cited by the plan's own numbering;
"not covered" with the office that handles it; stories routed to the self-assessment;
feedback on every answer; English answers in English."""

from __future__ import annotations

import json

from sqlmodel import select

from storage.feedback import AnswerFeedback
from tests.test_cli import run
from tests.test_report import talk


async def test_a_near_domain_question_is_not_covered_and_says_who_handles_it(bot) -> None:
    replies = await bot.say("hộ nghèo có được hỗ trợ tiền điện hằng tháng không")
    text = replies[0].text
    assert "không đề cập đến" in text and "Điện lực" in text
    assert "Dự án 5" not in text and "264" not in text  # no unrelated plan text
    assert "Chuyển câu hỏi cho cán bộ" in [b.label for b in replies[0].buttons]


async def test_a_numeric_fact_of_the_plan_is_found_by_its_natural_phrasing(bot) -> None:
    replies = await bot.say("bao nhiêu hộ được hỗ trợ nhà ở năm 2023")
    assert "264" in replies[0].text and "mục II.2.1.đ" in replies[0].text


async def test_is_my_household_poor_gets_the_criteria_and_the_self_check(bot) -> None:
    replies = await bot.say("nhà tôi có phải hộ nghèo không")
    text = replies[0].text
    assert "rà soát hằng năm" in text and "Nghị định 07/2021/NĐ-CP" in text
    assert "Kế hoạch giảm nghèo năm 2023 của tỉnh Ninh Thuận, mục" not in text  # not the plan's
    replies = await bot.press("Tự đánh giá hộ của tôi")
    assert "nông thôn" in replies[-1].text


async def test_a_family_story_starts_the_self_check_with_what_it_said(bot) -> None:
    story = ("nhà tôi có 4 người, cả nhà làm thuê thu nhập khoảng 5 triệu một tháng, "
             "không biết có được hỗ trợ gì không")
    replies = await bot.say(story)
    assert "Tự đánh giá hộ của tôi" in [b.label for b in replies[0].buttons]
    await bot.press("Tự đánh giá hộ của tôi")
    replies = await bot.say("Nông thôn")  # size and income are not asked again
    assert replies[0].text.startswith("(1/12)")
    for _ in range(12):
        replies = await bot.say("Không")
    assert "1.250.000" in replies[0].text  # 5,000,000 for 4 people


async def test_feedback_is_stored_once_and_not_right_offers_the_hand_off(bot, app) -> None:
    await bot.say("hộ cận nghèo có được hỗ trợ bảo hiểm y tế không")
    replies = await bot.press("Chưa đúng")
    assert "Cảm ơn bạn" in replies[0].text
    assert "Chuyển câu hỏi cho cán bộ" in [b.label for b in replies[0].buttons]
    await bot.say("hộ cận nghèo có được hỗ trợ bảo hiểm y tế không")
    again = await bot.press("Chưa đúng")  # the same question and answer: counted once
    assert "đã cho ý kiến" in again[0].text
    await bot.say("người nghèo có được cấp thẻ bhyt không")
    await bot.press("👍 Hữu ích")
    with app.store.session() as s:
        rows = s.exec(select(AnswerFeedback).order_by(AnswerFeedback.id)).all()
    assert [(r.section, r.verdict) for r in rows] == [("CS.y-te", "not_right"),
                                                      ("CS.y-te", "useful")]
    assert rows[0].question == "hộ cận nghèo có được hỗ trợ bảo hiểm y tế không"


async def test_english_mode_answers_in_english(make_bot) -> None:
    bot = make_bot("english-citizen", language="en")
    replies = await bot.say("can near-poor households get health insurance support")
    text = replies[0].text
    assert "health insurance" in text.lower() and "section II.2.2.b" in text
    assert "Hỗ trợ" not in text.split("\n")[0]


async def test_amounts_are_read_as_people_type_them(bot) -> None:
    replies = await talk(bot, ["/tudanhgia", "1", "4", "Mỗi người mỗi tháng", "1 triệu rưỡi"])
    assert replies[0].text.startswith("(1/12)")
    await talk(bot, ["Quay lại"])
    replies = await talk(bot, ["1tr5"])
    assert replies[0].text.startswith("(1/12)")


def test_ask_json_gives_the_verdict_and_the_office(tmp_path) -> None:
    done = run(["ask", "--json"], "tiền điện hộ nghèo có được hỗ trợ không\n", tmp_path)
    found = json.loads(done.stdout.splitlines()[0])
    assert found["confident"] is False and found["verdict"] == "not_covered"
    assert "Điện lực" in found["office"]


async def test_officers_see_the_not_right_share_and_the_questions_behind_it(make_bot) -> None:
    citizen = make_bot("nguoidan-demo")
    await citizen.say("hộ cận nghèo có được hỗ trợ bảo hiểm y tế không")
    await citizen.press("Chưa đúng")
    officer = make_bot("canbo-demo")
    overview = (await officer.say("/tongquan"))[0].text
    assert "đánh giá «chưa đúng»" in overview and "Bảo hiểm y tế" in overview
    assert "1/1 (100%)" in overview
    questions = (await officer.say("/cauhoi"))[0].text
    assert "«hộ cận nghèo có được hỗ trợ bảo hiểm y tế không»" in questions


async def test_answers_say_which_programme_and_the_2025_facts_cite_their_resolutions(
        bot) -> None:
    text = (await bot.say("hộ cận nghèo có được hỗ trợ bảo hiểm y tế không"))[0].text
    assert ("Thuộc Chương trình mục tiêu quốc gia giảm nghèo bền vững giai đoạn 2021–2025"
            in text)
    assert "Chương trình giai đoạn 2021–2025 đã kết thúc" in text
    text = (await bot.say("chuong trinh giam ngheo bay gio la gi"))[0].text
    assert "423.000 tỷ đồng" in text and "Nguồn: Nghị quyết 257/2025/QH15" in text
    assert "Kế hoạch giảm nghèo năm 2023 của tỉnh" not in text
    text = (await bot.say("ninh thuan da sap nhap vao khanh hoa chua"))[0].text
    assert "từ ngày 1/7/2025" in text and "Nghị quyết 1667/NQ-UBTVQH15" in text
    assert "Kế hoạch giảm nghèo năm 2023 của tỉnh" not in text and "đã kết thúc" not in text


async def test_what_a_poor_household_may_get_lists_the_plans_parts(bot) -> None:
    """The most common question, with or without diacritics: every part of the plan that
    serves such a household, with the plan's numbering, and the self-assessment offered."""
    for question in ("ho ngheo duoc ho tro gi", "hộ nghèo được hỗ trợ những gì",
                     "nhà tôi là hộ nghèo thì được hưởng chính sách gì"):
        [reply] = await bot.say(question)
        title = "Theo Kế hoạch năm 2023, hộ nghèo có thể được hỗ trợ"
        assert reply.text.startswith(title), question
        for line in ("• Chính sách tín dụng (vay vốn Ngân hàng Chính sách xã hội) (mục II.2.2.a)",
                     "• Hỗ trợ y tế (thẻ BHYT) (mục II.2.2.b)",
                     "• Dự án 5: nhà ở cho hộ nghèo, hộ cận nghèo ở huyện nghèo (mục II.2.1.đ)"):
            assert line in reply.text, question
        assert "do xã xét" in reply.text and "CS." not in reply.text and "DA5" not in reply.text
        assert "Tự đánh giá hộ của tôi" in [b.label for b in reply.buttons]
    [reply] = await bot.say("ho can ngheo duoc nhung ho tro nao")
    assert reply.text.startswith("Theo Kế hoạch năm 2023, hộ cận nghèo")


async def test_a_named_support_is_answered_itself_not_listed(bot) -> None:
    [reply] = await bot.say("hộ nghèo được hỗ trợ vay vốn gì")
    assert "mục II.2.2.a" in reply.text and "có thể được hỗ trợ qua các mục" not in reply.text
