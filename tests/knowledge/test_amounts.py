"""Money as citizens type it: a whole answer (parse_amount) and the first amount in a story."""

from __future__ import annotations

import pytest

from knowledge.amounts import find_amount, parse_amount
from knowledge.eligibility import story
from knowledge.normalize import fold


@pytest.mark.parametrize(("text", "dong"), [
    ("1 triệu rưỡi", 1_500_000),
    ("1tr5", 1_500_000),
    ("1.5 triệu", 1_500_000),
    ("1,5tr", 1_500_000),
    ("1,5 tr", 1_500_000),
    ("1.500.000", 1_500_000),
    ("1,500,000", 1_500_000),
    ("1500000", 1_500_000),
    ("1.500.000 đồng/tháng", 1_500_000),
    ("1 triệu 2", 1_200_000),
    ("1 triệu 250", 1_250_000),
    ("1tr500", 1_500_000),
    ("1 triệu 5 trăm", 1_500_000),
    ("5 trăm nghìn", 500_000),
    ("800k", 800_000),
    ("800 nghìn", 800_000),
    ("800 ngàn", 800_000),
    ("2 củ", 2_000_000),
    ("2 củ rưỡi", 2_500_000),
    ("nửa triệu", 500_000),
    ("khoảng 3 triệu/tháng", 3_000_000),
    ("tầm 3tr một tháng", 3_000_000),
    ("800k/người", 800_000),
    ("2.000.000đ", 2_000_000),
    ("1.5 million", 1_500_000),
    ("0", 0),
])
def test_parse_amount_reads_the_usual_ways_of_typing_money(text: str, dong: int) -> None:
    assert parse_amount(text) == dong
    assert parse_amount(fold(text)) == dong  # without diacritics
    assert parse_amount(text.upper()) == dong


@pytest.mark.parametrize("text", [
    "", "   ", "abc", "triệu", "mấy triệu", "1.2.3 triệu", "5 triệu 5 triệu", "-5 triệu",
    "1tr5tr", "1,5tr2", "15 người", "3 tháng", "1 triệu 2 người", "nhà tôi nghèo lắm",
    "12/2023", "😀",
])
def test_parse_amount_refuses_what_is_not_one_clear_amount(text: str) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize(("story_text", "dong"), [
    ("nhà tôi 5 người, thu nhập 6 triệu một tháng", 6_000_000),
    ("cho e hỏi nhà e có 7 ng, thu nhập tầm 6 củ 1 tháng", 6_000_000),
    ("chồng đi làm thuê được 1 triệu rưỡi mỗi tháng", 1_500_000),
    ("thu nhap 1 trieu 2 mot thang", 1_200_000),
    ("lương 1500000 đồng", 1_500_000),
    ("năm 2023 kiếm được 3tr", 3_000_000),
    ("thu nhập 1 triệu, 2 người", 1_000_000),
])
def test_find_amount_takes_the_money_out_of_a_story(story_text: str, dong: int) -> None:
    assert find_amount(story_text) == dong
    assert find_amount(fold(story_text)) == dong


@pytest.mark.parametrize("story_text", [
    "mẹ tôi 85 tuổi sống một mình", "con tôi bỏ học từ lớp 7", "nhà 5 người", "năm 2023",
    "hộ nghèo có được vay vốn không", "",
])
def test_a_story_without_money_has_no_amount(story_text: str) -> None:
    assert find_amount(story_text) is None


@pytest.mark.parametrize(("text", "people", "per_person"), [
    ("nhà tôi có 5 khẩu, thu nhập 3 triệu", 5, None),
    ("gia dinh 4 nguoi, ca nha 5tr/thang", 4, False),
    ("thu nhập 1tr2 mỗi người", None, True),
    ("tôi sống một mình, lương 1,8 triệu", 1, None),
    ("we are 5 people earning 4 million a month", 5, None),
])
def test_story_facts_for_the_self_assessment(text: str, people: int | None,
                                             per_person: bool | None) -> None:
    facts = story(text)
    assert facts.people == people
    assert facts.per_person is per_person
