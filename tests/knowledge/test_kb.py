"""The citizen knowledge base: data completeness, Vietnamese normalisation, search behaviour.

Questions here are our own (not the benchmark's dev questions).
"""

from __future__ import annotations

import dataclasses
import random
import time
import unicodedata
from pathlib import Path

import pytest

from knowledge.normalize import (
    DATA_DIR,
    Lexicon,
    fold,
    generic_mask,
    is_syllable,
    normalize,
    tokenize,
)
from knowledge.search import Answer, KnowledgeBase, KnowledgeBaseError, SearchResult

# The public section ids of plan-sections.md (a contract; copied here on purpose).
SECTION_IDS = [
    "MD", "MT", "DA1", "DA2", "DA3.1", "DA3.2", "DA4.1", "DA4.2", "DA4.3", "DA5", "DA6.1",
    "DA6.2", "DA7.1", "DA7.2", "CS.tin-dung", "CS.y-te", "CS.giao-duc", "CS.nha-o",
    "CS.nuoc-ve-sinh", "CS.an-sinh", "GP", "NL", "TC", "CN",
]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


# -- data ---------------------------------------------------------------------------------


def test_there_are_24_section_ids() -> None:
    assert len(SECTION_IDS) == len(set(SECTION_IDS)) == 24


@pytest.mark.parametrize("section", SECTION_IDS)
def test_every_section_has_entries(kb: KnowledgeBase, section: str) -> None:
    assert kb.by_section(section), f"no entry for {section}"


def test_entries_are_well_formed(kb: KnowledgeBase) -> None:
    ids = [e.id for e in kb.entries]
    assert len(ids) == len(set(ids))
    for entry in kb.entries:
        assert entry.section in SECTION_IDS, entry.id
        assert entry.title.strip() and entry.text.strip(), entry.id
        assert len(entry.text) <= 700, entry.id
        assert entry.agency is None or entry.agency.strip(), entry.id
        assert all(kw.strip() for kw in entry.keywords), entry.id


def test_sections_file_matches_the_contract(kb: KnowledgeBase) -> None:
    assert set(kb.sections) == set(SECTION_IDS)


def test_lead_agencies_follow_the_plan(kb: KnowledgeBase) -> None:
    lead = {"DA1": "Sở Kế hoạch và Đầu tư", "DA3.1": "Sở Nông nghiệp và Phát triển nông thôn",
            "DA3.2": "Sở Y tế", "DA5": "Sở Xây dựng", "DA6.1": "Sở Thông tin và Truyền thông",
            "DA4.2": "Sở Lao động - Thương binh và Xã hội"}
    for section, agency in lead.items():
        assert {e.agency for e in kb.by_section(section)} == {agency}, section


def test_poverty_standard_facts_are_present(kb: KnowledgeBase) -> None:
    text = " ".join(e.text for e in kb.by_section("CN"))
    for fact in ("1.500.000", "2.000.000", "12 chỉ số", "1 tháng 9", "14 tháng 12", "xã"):
        assert fact in text, fact


def test_topics_cover_projects_policies_and_standard(kb: KnowledgeBase) -> None:
    topics = kb.topics()
    ids = [tid for tid, _ in topics]
    assert ids[:7] == ["DA1", "DA2", "DA3", "DA4", "DA5", "DA6", "DA7"]
    assert {i for i in ids if i.startswith("CS.")} == {s for s in SECTION_IDS if s[:3] == "CS."}
    assert "CN" in ids
    for tid, title in topics:
        assert title and kb.by_section(tid), tid
    assert {e.section for e in kb.by_section("DA4")} == {"DA4.1", "DA4.2", "DA4.3"}


def test_load_is_cached_and_accepts_a_path(kb: KnowledgeBase) -> None:
    assert KnowledgeBase.load() is kb
    again = KnowledgeBase.load(DATA_DIR)
    assert again is not kb and len(again.entries) == len(kb.entries)


def test_bad_data_is_reported(tmp_path: Path) -> None:
    (tmp_path / "kb").mkdir()
    (tmp_path / "sections.yaml").write_text("sections: {CN: Chuẩn nghèo}\n", encoding="utf-8")
    (tmp_path / "synonyms.yaml").write_text("{}\n", encoding="utf-8")
    (tmp_path / "kb" / "a.yaml").write_text(
        "- {id: x, section: DA9, title: T, text: Nội dung}\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="DA9"):
        KnowledgeBase.load(tmp_path)


# -- normalisation ------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "folded"), [
    ("Hộ Nghèo", "ho ngheo"),
    ("ĐƯỜNG GIAO THÔNG", "duong giao thong"),
    ("đ Đ", "d d"),
    ("Bảo hiểm y tế", "bao hiem y te"),
    ("ưu tiên, ở, ăn, ấm, ê, ô, ơ", "uu tien, o, an, am, e, o, o"),
    ("thuỷ lợi / thủy lợi", "thuy loi / thuy loi"),
    (unicodedata.normalize("NFD", "Nước sinh hoạt"), "nuoc sinh hoat"),
])
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(("text", "tokens"), [
    ("Hộ cận nghèo có được hỗ trợ BHYT không??", ["ho", "can", "ngheo", "co", "duoc", "ho",
                                                  "tro", "bhyt", "khong"]),
    ("nhà-ở;vay_vốn 😀 20/2021", ["nha", "o", "vay", "von", "20", "2021"]),
    ("\x00\x1b[31m điện\t\n", ["31m", "dien"]),
    ("", []),
])
def test_tokenize(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


def test_nfc_and_nfd_input_tokenise_alike() -> None:
    text = "Hỗ trợ người dân tộc thiểu số được học nghề"
    assert tokenize(unicodedata.normalize("NFD", text)) == tokenize(text)


@pytest.mark.parametrize(("chat", "expanded"), [
    ("hcn dc vay ko", "ho can ngheo duoc vay khong"),
    ("BHYT cho hn", "bao hiem y te cho ho ngheo"),
    ("đi XKLĐ j", "di xuat khau lao dong gi"),
    ("NHCS, UBND, ctv", "ngan hang chinh sach xa hoi, uy ban nhan dan, cong tac vien"),
])
def test_abbreviations_expand(chat: str, expanded: str) -> None:
    assert normalize(chat, Lexicon.load()) == " ".join(tokenize(expanded))


@pytest.mark.parametrize(("token", "ok"), [
    ("nghieng", True), ("khuyet", True), ("gi", True), ("quyen", True),
    ("nge", False), ("dongg", False), ("duowng", False), ("heim", False), ("xkld", False),
])
def test_syllable_shape(token: str, ok: bool) -> None:
    assert is_syllable(token) is ok


def test_generic_words_are_marked_as_phrases() -> None:
    lexicon = Lexicon.load()
    tokens = tokenize("nhà nước hỗ trợ nhà ở")
    assert generic_mask(tokens, lexicon) == [True, True, True, True, False, False]


# -- search -------------------------------------------------------------------------------

OWN_QUESTIONS = [
    ("người cận nghèo mua thẻ bảo hiểm y tế được nhà nước trả bao nhiêu", "CS.y-te"),
    ("muốn đi xuất khẩu lao động thì được hỗ trợ những gì", "DA4.2"),
    ("vay vốn ngân hàng chính sách để làm ăn", "CS.tin-dung"),
    ("chuẩn nghèo ở nông thôn là thu nhập bao nhiêu tiền", "CN"),
    ("bé bị suy dinh dưỡng thấp còi", "DA3.2"),
    ("hộ nghèo xây nhà tiêu hợp vệ sinh", "CS.nuoc-ve-sinh"),
    ("dạy nghề ngắn hạn cho lao động nông thôn", "DA4.1"),
    ("sàn giao dịch việc làm", "DA4.3"),
    ("nhiệm vụ của sở tài chính", "TC"),
    ("cứu đói cho dân vùng thiên tai", "CS.an-sinh"),
]


@pytest.mark.parametrize(("question", "section"), OWN_QUESTIONS)
def test_finds_the_right_section_with_and_without_diacritics(
    kb: KnowledgeBase, question: str, section: str
) -> None:
    for variant in (question, fold(question), question.upper()):
        res = kb.search(variant)
        assert res.confident, variant
        assert res.answers[0].section == section, variant


@pytest.mark.parametrize(("typo", "section"), [
    ("bảo hiễm y tế cho hộ cận nghè", "CS.y-te"),
    ("xuat khau lao donng", "DA4.2"),
    ("dinh duowng cho tre em", "DA3.2"),
    ("vay vố ngân hàng chính sahc", "CS.tin-dung"),
    ("dai truyen tanh xa", "DA6.1"),
])
def test_a_typo_still_finds_it(kb: KnowledgeBase, typo: str, section: str) -> None:
    res = kb.search(typo)
    assert res.answers and res.answers[0].section == section


@pytest.mark.parametrize(("chat", "section"), [
    ("hcn co dc ho tro bhyt ko", "CS.y-te"),
    ("hn dc vay nhcs ko", "CS.tin-dung"),
    ("xkld can dk j", "DA4.2"),
])
def test_chat_abbreviations(kb: KnowledgeBase, chat: str, section: str) -> None:
    assert kb.search(chat).answers[0].section == section


@pytest.mark.parametrize("question", [
    "giá vé xem phim tối nay",
    "kết quả bóng đá hôm qua",
    "cách làm bánh mì",
    "qwerty uiop",
    "thời tiết ngày mai có mưa không",
    "mua điện thoại trả góp ở đâu",
    "hỗ trợ người",
    "hộ gia đình",
    "người dân hỏi",
])
def test_off_topic_and_generic_questions_are_not_confident(
    kb: KnowledgeBase, question: str
) -> None:
    assert not kb.search(question).confident


def _junk(n: int) -> str:
    rng = random.Random(7)
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(n))


@pytest.mark.parametrize("question", [
    "", "   ", "?!...", "😀🎉🙏", "\x00\x01\x02\x1b[2J\x7f", "a" * 10_000, _junk(10_000),
    "'; DROP TABLE entries; --", "1 OR 1=1; SELECT * FROM users", "<script>alert(1)</script>",
    "\ud800", "%s %d {0} {}",
])
def test_odd_input_never_raises_and_is_not_confident(kb: KnowledgeBase, question: str) -> None:
    res = kb.search(question)
    assert isinstance(res, SearchResult) and res.question == question
    assert not res.confident


def test_long_on_topic_text_is_bounded(kb: KnowledgeBase) -> None:
    start = time.perf_counter()
    res = kb.search("bảo hiểm y tế cho hộ cận nghèo " * 1000)
    assert time.perf_counter() - start < 0.5
    assert res.answers[0].section == "CS.y-te"


def test_answers_shape(kb: KnowledgeBase) -> None:
    res = kb.search("hỗ trợ nhà ở cho hộ nghèo", k=3)
    assert 1 <= len(res.answers) <= 3
    sections = [a.section for a in res.answers]
    assert len(sections) == len(set(sections))
    scores = [a.score for a in res.answers]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    first = res.answers[0]
    assert isinstance(first, Answer) and first.entry_id in {e.id for e in kb.entries}
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.score = 2.0  # type: ignore[misc]
    assert len(kb.search("hỗ trợ nhà ở cho hộ nghèo", k=1).answers) == 1
    assert kb.search("hỗ trợ nhà ở cho hộ nghèo", k=0).answers == ()


def test_search_is_fast(kb: KnowledgeBase) -> None:
    questions = [q for q, _ in OWN_QUESTIONS] * 20
    start = time.perf_counter()
    for q in questions:
        kb.search(q)
    assert (time.perf_counter() - start) / len(questions) < 0.01
