"""The coverage model: the bot answers confidently only what an entry covers; near-domain
questions outside the plan get ``not_covered`` and the office; a household asking about its own
status gets the criteria and the self-assessment. Questions here are our own, not the bench's."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.normalize import DATA_DIR, fold
from knowledge.phrases import Tokens
from knowledge.search import KnowledgeBase, Verdict


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


def _topics() -> list[dict]:
    return yaml.safe_load((DATA_DIR / "out-of-scope.yaml").read_text(encoding="utf-8"))


def test_every_topic_names_an_office_in_both_languages(kb: KnowledgeBase) -> None:
    ids = [t.id for t in kb.scope.topics]
    assert len(ids) == len(set(ids)) >= 20
    for topic in kb.scope.topics:
        assert topic.title and topic.office and topic.office_en and topic.title_en, topic.id


def test_no_out_of_scope_phrase_occurs_in_the_plan_text(kb: KnowledgeBase) -> None:
    """A topic phrase that the plan itself uses would turn covered content into 'not covered'."""
    clashes = []
    for entry in kb.entries:
        fields = {"vi": [entry.title, entry.text, *entry.keywords],
                  "en": [entry.title_en or "", entry.text_en or "", *entry.keywords_en]}
        for lang, texts in fields.items():
            clashes += [(entry.id, lang, topic.id) for text in texts
                        for topic in [kb.scope.match(Tokens.of(text), lang)] if topic]
    assert clashes == []


@pytest.mark.parametrize("topic", _topics(), ids=lambda t: t["id"])
def test_each_phrase_of_a_topic_makes_a_question_not_covered(kb: KnowledgeBase, topic: dict
                                                             ) -> None:
    """Whatever the phrase, asked as a citizen would, the plan's text is not offered as the
    answer; the topic named is this one or one listed before it (file order is priority)."""
    order = [t.id for t in kb.scope.topics]
    for phrase in topic.get("phrases") or []:
        for question in (f"hộ nghèo có được hỗ trợ {phrase} không", fold(f"cho hỏi về {phrase}")):
            res = kb.search(question)
            assert res.verdict is Verdict.NOT_COVERED and not res.confident, question
            assert order.index(res.topic.id) <= order.index(topic["id"]), question
            assert res.office == res.topic.office


@pytest.mark.parametrize(("question", "topic"), [
    ("nhà tôi hộ nghèo, tháng này tiền điện lên 800 nghìn, có được giảm không", "dien"),
    ("tôi mới bị công ty cho nghỉ, muốn hưởng bảo hiểm thất nghiệp", "bao-hiem-that-nghiep"),
    ("ba tôi đóng bhxh đủ năm rồi, bao giờ có lương hưu", "luong-huu"),
    ("xin cấp lại sổ đỏ bị mất", "dat-dai"),
    ("làm giấy khai sinh cho cháu nội", "ho-tich"),
    ("có ai gọi bảo đọc mã otp để nhận tiền hộ nghèo", "lua-dao"),
    ("cho xin sđt chủ tịch ubnd xã", "lien-he-can-bo"),
    ("muốn làm thủ tục xin hỗ trợ online thì vào đâu", "dich-vu-cong"),
    ("electricity bill support for poor families", "dien"),
])
def test_near_domain_questions_get_the_office_not_plan_text(kb: KnowledgeBase, question: str,
                                                            topic: str) -> None:
    res = kb.search(question)
    assert not res.confident
    assert res.verdict is Verdict.NOT_COVERED and res.topic is not None
    assert res.topic.id == topic


def test_an_electricity_subsidy_is_not_answered_with_the_housing_project(kb: KnowledgeBase
                                                                         ) -> None:
    res = kb.search("nhà nước hỗ trợ tiền điện cho hộ nghèo ở huyện nghèo không")
    assert not res.confident and res.verdict is Verdict.NOT_COVERED


@pytest.mark.parametrize(("question", "section"), [
    ("hộ nghèo vay vốn ngân hàng chính sách được không", "CS.tin-dung"),
    ("đi làm việc ở nước ngoài theo hợp đồng được hỗ trợ học tiếng không", "DA4.2"),
    ("tôi thất nghiệp, muốn được giới thiệu việc làm", "DA4.3"),
    ("người lao động cư trú ở huyện nghèo muốn đi xuất khẩu lao động", "DA4.2"),
    ("trang thông tin điện tử giảm nghèo của tỉnh", "TC"),
])
def test_covered_questions_that_share_words_with_a_topic_are_answered(
        kb: KnowledgeBase, question: str, section: str) -> None:
    res = kb.search(question)
    assert res.verdict is Verdict.ANSWERED and res.confident, question
    assert res.answers[0].section == section


@pytest.mark.parametrize("question", [
    "nhà tôi có phải hộ nghèo không",
    "nha em co thuoc dien ho can ngheo ko",
    "nhà mình 4 người, cả nhà kiếm được 5tr mỗi tháng thì có được vào hộ nghèo không",
    "tôi muốn tự kiểm tra xem gia đình mình có phải hộ cận nghèo không",
    "is my household poor",
])
def test_own_status_questions_get_the_criteria_and_the_self_assessment(
        kb: KnowledgeBase, question: str) -> None:
    res = kb.search(question)
    assert res.verdict is Verdict.ELIGIBILITY and res.confident
    assert res.answers[0].entry_id in kb.eligibility.criteria
    assert [a.score for a in res.answers] == sorted((a.score for a in res.answers), reverse=True)


def test_an_income_story_hands_its_facts_to_the_self_assessment(kb: KnowledgeBase) -> None:
    res = kb.search("nhà tôi có 6 khẩu, chồng làm thuê được chừng 2 củ rưỡi một tháng, "
                    "con còn nhỏ, không biết nhà tôi có được xét hộ nghèo không")
    assert res.verdict is Verdict.ELIGIBILITY
    assert res.story is not None
    assert (res.story.amount, res.story.people) == (2_500_000, 6)


@pytest.mark.parametrize(("question", "section"), [
    ("tôi là hộ nghèo, có được vay vốn ưu đãi không", "CS.tin-dung"),
    ("nhà tôi hộ cận nghèo, thẻ bảo hiểm y tế được hỗ trợ mấy phần trăm", "CS.y-te"),
])
def test_a_poor_household_asking_for_a_benefit_gets_the_benefit(kb: KnowledgeBase, question: str,
                                                                section: str) -> None:
    res = kb.search(question)
    assert res.verdict is Verdict.ANSWERED and res.answers[0].section == section


def test_a_definition_in_generic_words_is_answered_with_the_criteria(kb: KnowledgeBase) -> None:
    res = kb.search("hộ nghèo là hộ như thế nào")
    assert res.verdict is Verdict.ANSWERED and res.confident
    assert res.answers[0].section == "CN"


def test_vay_typed_for_vay_is_not_a_loan(kb: KnowledgeBase) -> None:
    """Without diacritics 'vậy' is 'vay': a story ending '… vay co phai ho ngheo' is not a loan."""
    res = kb.search("nha em 5 nguoi thu nhap 6 trieu vay co phai ho ngheo ko")
    assert res.answers[0].section == "CN"
    assert kb.search("muon vay 20 trieu nuoi bo").answers[0].section == "CS.tin-dung"


@pytest.mark.parametrize(("question", "section", "fact"), [
    ("năm 2023 tỉnh hỗ trợ làm nhà cho bao nhiêu hộ nghèo", "DA5", "264"),
    ("nam nay giam bao nhieu phan tram ho ngheo", "MT", "1,5%"),
    ("huyện nghèo mỗi năm giảm mấy phần trăm hộ nghèo", "MT", "6%"),
    ("tỷ lệ bao phủ bảo hiểm y tế phải đạt bao nhiêu", "CS.y-te", "94,55%"),
    ("trung uong tra may phan tram tien bhyt cho ho can ngheo", "CS.y-te", "70%"),
    ("kinh phí làm kế hoạch giảm nghèo lấy từ nguồn nào", "NL", "Trung ương"),
    ("tỷ lệ trẻ em hộ nghèo không đi học đúng tuổi là bao nhiêu", "CS.giao-duc", "6,44%"),
])
def test_numeric_facts_are_found_by_natural_phrasings(kb: KnowledgeBase, question: str,
                                                      section: str, fact: str) -> None:
    res = kb.search(question)
    assert res.confident and res.answers[0].section == section, question
    assert fact in res.answers[0].text


@pytest.mark.parametrize(("question", "section"), [
    ("chương trình giảm nghèo bây giờ là gì", "MT"),
    ("Ninh Thuận đã sáp nhập vào Khánh Hòa chưa", "TC"),
])
def test_after_2025_questions_are_answered_from_their_instruments(
        kb: KnowledgeBase, question: str, section: str) -> None:
    res = kb.search(question)
    assert res.confident and res.answers[0].section == section
    assert res.answers[0].source and "Kế hoạch" not in kb.citation(res.answers[0])


def test_out_of_scope_data_errors_are_reported(tmp_path: Path) -> None:
    from knowledge.scope import Scope, ScopeError
    path = tmp_path / "oos.yaml"
    path.write_text("- {id: x, office: O, near: [[a, b]]}\n", encoding="utf-8")
    with pytest.raises(ScopeError):
        Scope.load(path)
    path.write_text("- {id: x}\n", encoding="utf-8")
    with pytest.raises(ScopeError, match="office"):
        Scope.load(path)


@pytest.mark.parametrize(("question", "verdict", "section"), [
    ("tôi bị lừa mất hết tiền qua mạng, giờ muốn vay vốn ngân hàng chính sách để làm ăn",
     Verdict.ANSWERED, "CS.tin-dung"),
    ("nhà mất điện cả tuần nay, mái nhà lại dột, tôi muốn được hỗ trợ sửa nhà",
     Verdict.ANSWERED, "CS.nha-o"),
    ("tôi muốn hỏi về lương hưu của ba tôi", Verdict.NOT_COVERED, None),
    ("có ứng dụng nào nộp hồ sơ xin trợ cấp trên điện thoại không", Verdict.NOT_COVERED, None),
])
def test_a_story_is_judged_by_what_it_asks_for(kb: KnowledgeBase, question: str,
                                               verdict: Verdict, section: str | None) -> None:
    res = kb.search(question)
    assert res.verdict is verdict, question
    assert section is None or res.answers[0].section in (section, "DA5")
