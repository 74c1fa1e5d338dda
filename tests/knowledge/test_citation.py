"""Citations a citizen can check, answers in English, the programme an entry belongs to."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from knowledge.language import detect_language
from knowledge.normalize import DATA_DIR, fold
from knowledge.search import KnowledgeBase, Verdict


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


def _internal_ids(kb: KnowledgeBase) -> re.Pattern[str]:
    ids = sorted({*kb.sections, *(e.id for e in kb.entries)}, key=len, reverse=True)
    return re.compile(r"(?<![\w.-])(?:" + "|".join(map(re.escape, ids)) + r")(?![\w-])")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_citation_or_answer_text_shows_an_internal_id(kb: KnowledgeBase, lang: str) -> None:
    pattern = _internal_ids(kb)
    for entry in kb.entries:
        answer = kb.answer(entry)
        shown = kb.localized(answer, lang)
        for text in (kb.citation(answer, lang), shown.title, shown.text):
            assert not pattern.search(text), (entry.id, text)


def test_plan_entries_cite_the_plan_numbering_heading_and_lead_agency(kb: KnowledgeBase) -> None:
    entry = next(e for e in kb.by_section("DA1") if e.agency)
    line = kb.citation(kb.answer(entry))
    assert line.startswith("Kế hoạch giảm nghèo năm 2023")
    assert "mục II.2.1.a – Dự án 1: Hỗ trợ đầu tư phát triển hạ tầng" in line
    assert "Cơ quan chủ trì: Sở Kế hoạch và Đầu tư" in line
    english = kb.citation(kb.answer(entry), "en")
    assert "section II.2.1.a – Project 1" in english
    assert "Lead agency: Department of Planning and Investment" in english


def test_every_section_of_the_plan_has_its_numbering(kb: KnowledgeBase) -> None:
    for section_id, info in kb.section_info.items():
        if info.source is None:
            assert info.numbering and info.heading and info.heading_en, section_id
    numbering = {s: kb.section_info[s].numbering for s in ("MT", "DA5", "CS.nuoc-ve-sinh", "NL")}
    assert numbering == {"MT": "II.1", "DA5": "II.2.1.đ", "CS.nuoc-ve-sinh": "II.2.2.đ",
                         "NL": "III"}


def test_one_agency_of_part_iv_cites_its_own_number(kb: KnowledgeBase) -> None:
    res = kb.search("nhiệm vụ của sở y tế trong kế hoạch")
    assert res.answers[0].section == "TC"
    assert "mục IV.5 – Tổ chức thực hiện" in kb.citation(res.answers[0])


@pytest.mark.parametrize(("question", "instrument"), [
    ("chuẩn nghèo ở nông thôn là bao nhiêu", "Nghị định 07/2021/NĐ-CP"),
    ("rà soát hộ nghèo làm vào tháng mấy", "Quyết định 24/2021/QĐ-TTg"),
])
def test_standard_and_review_facts_are_credited_to_their_instruments(
        kb: KnowledgeBase, question: str, instrument: str) -> None:
    res = kb.search(question)
    assert res.confident and res.answers[0].section == "CN"
    line = kb.citation(res.answers[0])
    assert instrument in line and "Kế hoạch" not in line


def test_every_entry_has_english_text_and_english_citation(kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        shown = kb.localized(kb.answer(entry), "en")
        assert not shown.vietnamese_only, entry.id
        assert detect_language(shown.title + " " + shown.text) == "en", entry.id
        assert "Kế hoạch" not in kb.citation(kb.answer(entry), "en"), entry.id


def test_an_entry_without_english_says_it_is_vietnamese_only(tmp_path: Path) -> None:
    shutil.copytree(DATA_DIR, tmp_path / "data")
    (tmp_path / "data" / "kb" / "99-extra.yaml").write_text(
        "- {id: chi-tieng-viet, section: CN, title: Mục chỉ có tiếng Việt,"
        " text: Nội dung riêng.}\n",
        encoding="utf-8")
    kb = KnowledgeBase.load(tmp_path / "data")
    entry = next(e for e in kb.entries if e.id == "chi-tieng-viet")
    shown = kb.localized(kb.answer(entry), "en")
    assert shown.vietnamese_only and shown.text == "Nội dung riêng."
    assert kb.localized(kb.answer(entry), "vi").vietnamese_only is False


@pytest.mark.parametrize(("question", "section"), [
    ("can near-poor people get help with health insurance", "CS.y-te"),
    ("my son wants to learn a trade", "DA4.1"),
    ("how many poor households get a new house", "DA5"),
    ("borrowing money from the social policy bank", "CS.tin-dung"),
])
def test_english_questions_find_the_same_topics(kb: KnowledgeBase, question: str,
                                                section: str) -> None:
    res = kb.search(question)
    assert res.lang == "en"
    assert res.confident and res.answers[0].section == section
    assert res.answers[0].text_en


def test_english_out_of_scope_questions_are_not_covered(kb: KnowledgeBase) -> None:
    res = kb.search("when will I receive my pension")
    assert res.verdict is Verdict.NOT_COVERED and res.topic and res.topic.office_en


@pytest.mark.parametrize(("text", "lang"), [
    ("ho can ngheo co duoc vay von khong", "vi"), ("nhu the nao", "vi"), ("xkld can dk j", "vi"),
    ("hộ nghèo", "vi"), ("what is the poverty line", "en"), ("help finding a job", "en"),
    ("", "vi"), ("has Ninh Thuan merged into Khanh Hoa", "en"),
    ("ninh thuan sap nhap vao khanh hoa chua", "vi"), ("Ninh Thuận", "vi"),
])
def test_language_of_a_question(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_the_programme_of_an_entry_and_whether_it_ended(kb: KnowledgeBase) -> None:
    plan_entry = kb.answer(kb.by_section("DA5")[0])
    assert kb.programme(plan_entry.programme).ended  # 2021-2025
    assert "đã kết thúc" in (kb.programme_note(plan_entry) or "")
    assert "ended" in (kb.programme_note(plan_entry, "en") or "")
    now = kb.search("chương trình giảm nghèo bây giờ là gì").answers[0]
    assert now.programme == "ntp-2026-2035" and not kb.programme(now.programme).ended
    assert all(e.programme is None for e in kb.by_section("CN"))


def test_the_topic_menu_exists_in_english(kb: KnowledgeBase) -> None:
    vi, en = kb.topics("vi"), kb.topics("en")
    assert [tid for tid, _ in vi] == [tid for tid, _ in en]
    for (_, vi_title), (_, en_title) in zip(vi, en, strict=True):
        assert en_title != vi_title and fold(en_title) == en_title.lower(), en_title
