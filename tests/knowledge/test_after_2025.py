"""After the 2023 plan: the programme each fact belongs to, and the facts of 2025 credited to
their own instruments (Nghị quyết 257/2025/QH15, 202/2025/QH15, 203/2025/QH15, 1667/NQ-UBTVQH15,
Nghị định 351/2025/NĐ-CP), never to the plan."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.normalize import DATA_DIR, fold
from knowledge.search import KnowledgeBase, Verdict

PLAN = "Kế hoạch giảm nghèo năm 2023"
OLD_PROGRAMME = "Chương trình mục tiêu quốc gia giảm nghèo bền vững giai đoạn 2021–2025"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


def _both(question: str) -> list[str]:
    return [question, fold(question)]


# -- the programme of every entry ---------------------------------------------------------


def test_every_shipped_entry_states_its_programme(kb: KnowledgeBase) -> None:
    """Staff read the programme in the data itself (null: the standard, the 2025 merger)."""
    for path in sorted((DATA_DIR / "kb").glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            assert "programme" in item, (path.name, item["id"])
            assert item["programme"] is None or item["programme"] in kb.catalogue.programmes


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_plan_answers_name_the_2021_2025_programme_and_say_it_ended(kb: KnowledgeBase,
                                                                   lang: str) -> None:
    plan_entries = [e for e in kb.entries if e.programme == "ntp-2021-2025"]
    assert len(plan_entries) >= 70
    for entry in plan_entries:
        answer = kb.answer(entry)
        line, note = kb.citation(answer, lang), kb.programme_note(answer, lang) or ""
        if lang == "vi":
            assert line.startswith(PLAN) and f"Thuộc {OLD_PROGRAMME}" in line, entry.id
            assert note.startswith("Chương trình giai đoạn 2021–2025 đã kết thúc"), entry.id
        else:
            assert "Part of the National Target Programme for Sustainable Poverty Reduction" \
                   " 2021–2025" in line, entry.id
            assert note.startswith("The 2021–2025 programme has ended"), entry.id
        assert len(note) <= 110, note  # a short line, the programme is named above it


def test_facts_of_no_programme_name_none(kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        if entry.programme is None:
            answer = kb.answer(entry)
            assert "Thuộc" not in kb.citation(answer), entry.id
            assert kb.programme_note(answer) is None, entry.id


# -- the programme now: Nghị quyết 257/2025/QH15 -----------------------------------------

NOW = ["chương trình giảm nghèo bây giờ là gì", "hiện nay còn chương trình giảm nghèo không",
       "sau năm 2025 giảm nghèo theo chương trình nào"]


@pytest.mark.parametrize("question", [v for q in NOW for v in _both(q)])
def test_the_programme_now_is_answered_from_resolution_257(kb: KnowledgeBase,
                                                           question: str) -> None:
    res = kb.search(question)
    assert res.verdict is Verdict.ANSWERED, question
    best = res.answers[0]
    assert best.entry_id == "mt-chuong-trinh-2026-2035", question
    line = kb.citation(best)
    assert line.startswith("Nguồn: Nghị quyết 257/2025/QH15") and PLAN not in line
    assert "giai đoạn 2026–2035" in line  # the programme it belongs to
    text = kb.localized(best, "vi").text
    for fact in ("2026–2035", "nông thôn mới", "dân tộc thiểu số", "423.000 tỷ đồng",
                 "1–1,5%", "đã kết thúc"):
        assert fact in text, fact
    assert kb.programme_note(best) is None  # the programme now has not ended


def test_the_programme_now_in_english(kb: KnowledgeBase) -> None:
    res = kb.search("what is the poverty reduction programme now")
    best = res.answers[0]
    assert res.lang == "en" and res.confident and best.entry_id == "mt-chuong-trinh-2026-2035"
    assert "Resolution 257/2025/QH15" in kb.citation(best, "en")
    assert "423,000 billion" in kb.localized(best, "en").text


# -- the merger: Nghị quyết 202/2025/QH15, 203/2025/QH15, 1667/NQ-UBTVQH15 ---------------

MERGER = ["Ninh Thuận đã sáp nhập vào Khánh Hòa chưa", "tỉnh Ninh Thuận giờ thuộc tỉnh nào",
          "bây giờ còn cấp huyện không"]


@pytest.mark.parametrize("question", [v for q in MERGER for v in _both(q)])
def test_the_merger_is_answered_from_the_resolutions(kb: KnowledgeBase, question: str) -> None:
    res = kb.search(question)
    assert res.verdict is Verdict.ANSWERED, question
    best = res.answers[0]
    assert best.entry_id == "tc-sap-nhap-khanh-hoa", question
    line = kb.citation(best)
    for instrument in ("202/2025/QH15", "203/2025/QH15", "1667/NQ-UBTVQH15"):
        assert instrument in line
    assert PLAN not in line and "Thuộc" not in line  # an administrative change, no programme
    text = kb.localized(best, "vi").text
    for fact in ("1/7/2025", "tỉnh Khánh Hòa", "hai cấp", "cấp huyện thôi hoạt động",
                 "65 đơn vị cấp xã", "24", "62"):
        assert fact in text, fact


# -- the poverty standard 2026–2030: Nghị định 351/2025/NĐ-CP ----------------------------

STANDARD = ["chuẩn nghèo giai đoạn 2026 2030 là bao nhiêu", "chuẩn nghèo mới từ năm 2027"]


@pytest.mark.parametrize("question", [v for q in STANDARD for v in _both(q)])
def test_the_2026_2030_standard_is_answered_from_decree_351(kb: KnowledgeBase,
                                                            question: str) -> None:
    res = kb.search(question)
    assert res.confident, question
    best = res.answers[0]
    assert best.entry_id == "cn-chuan-ngheo-2026-2030", question
    line = kb.citation(best)
    assert "Nghị định 351/2025/NĐ-CP" in line and PLAN not in line
    assert "Bộ Nông nghiệp và Môi trường" in line
    assert "Ministry of Agriculture and Environment" in kb.citation(best, "en")
    text = kb.localized(best, "vi").text
    for fact in ("1/1/2027", "2.200.000", "2.800.000", "07/2021/NĐ-CP", "từ 3 chỉ số"):
        assert fact in text, fact


def test_a_2027_income_question_gets_the_2027_criteria(kb: KnowledgeBase) -> None:
    """A year tells which period is asked about: the 2027 lines, not the 2022–2025 ones."""
    res = kb.search("năm 2027 thu nhập 2 triệu ở nông thôn thì có là hộ nghèo không")
    assert res.confident and res.answers[0].entry_id == "cn-chuan-ngheo-2026-2030"
    res = kb.search("thu nhập 2 triệu ở nông thôn thì có là hộ nghèo không")
    assert res.confident and res.answers[0].entry_id != "cn-chuan-ngheo-2026-2030"


def test_the_2025_instruments_are_never_credited_to_the_plan(kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        if any(n in (entry.source or "") for n in ("/2025/", "1667")):
            for lang in ("vi", "en"):
                line = kb.citation(kb.answer(entry), lang)
                assert PLAN not in line and "2023 poverty reduction plan" not in line


def test_the_sets_hold_the_new_questions_with_their_entries() -> None:
    rows = (Path(__file__).resolve().parents[2] / "bench" / "kb_paraphrase_dev.tsv").read_text(
        encoding="utf-8").splitlines()
    entries = [row.split("\t")[3] for row in rows if row.count("\t") >= 3]
    for entry in ("mt-chuong-trinh-2026-2035", "tc-sap-nhap-khanh-hoa",
                  "cn-chuan-ngheo-2026-2030"):
        assert entries.count(entry) >= 6, entry
