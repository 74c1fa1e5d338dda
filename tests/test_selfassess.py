"""Citizens' self-assessment (/tudanhgia) through the real app."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from datetime import UTC, datetime

import pytest
from sqlmodel import func, select

from bot.base.i18n import Lang, Tr
from bot.core.dialog import confirmation
from handlers.household_questions import YEAR, YEAR_NOW, assess, indicator_key, standard_of
from handlers.mydata import notice
from handlers.selfassess import build
from knowledge.poverty import standard_for_year
from storage.models import SavedAssessment
from storage.personal import Purpose
from tests.test_cli import GIAMNGHEO, run
from tests.transcript import Transcript

# area rural, 4 people, household income 5 triệu; then the 12 questions of 07/2021 (the test
# clock is in March 2026). Yes = "1", no = "2"; "Có" always means the deprivation.
NEAR_POOR = ["/tudanhgia", "1", "4", "1", "5 triệu", "2", "2", "2", "1", *["2"] * 8]


def saved(app) -> int:
    with app.store.session() as s:
        return s.exec(select(func.count()).select_from(SavedAssessment)).one()


async def test_full_self_assessment_transcript(bot, request) -> None:
    script = Transcript()
    for line in [*NEAR_POOR, "Đồng ý"]:
        script.user(line)
        script.bot(await bot.say(line))
    script.check("selfassess-near-poor-vi", request)
    text = "\n".join(script.lines)
    assert "HỘ CẬN NGHÈO" in text and "1.250.000" in text and "Nghị định 07/2021/NĐ-CP" in text
    assert "Thiếu hụt 1/12" in text and "rà soát hằng năm" in text
    assert "CS.y-te" not in text and "nd07" not in text  # no internal ids shown to citizens
    assert saved(bot.app) == 1
    with bot.app.store.session() as s:
        row = s.exec(select(SavedAssessment)).one()
    assert row.standard_id == "nd07-2021" and row.answers["review_year"] == 2026


async def test_nothing_is_stored_unless_the_citizen_agrees(bot) -> None:
    for line in NEAR_POOR:
        await bot.say(line)
    replies = await bot.say("Không")
    assert "Không lưu gì" in replies[0].text
    assert saved(bot.app) == 0


async def test_unanswered_is_not_no(bot) -> None:
    """Income under the line, one deprivation, three questions skipped: cannot tell yet."""
    answers = ["/tudanhgia", "1", "4", "2", "1.200.000", "1", "1"]  # two deprived (yes, yes)
    skip = "Không rõ / bỏ qua"
    answers += [skip, skip, *["2"] * 8]
    replies = []
    for line in answers:
        replies = await bot.say(line)
    text = replies[-1].text
    assert "Chưa thể kết luận" in text and "Còn thiếu 2 thông tin" in text
    details = (await bot.say("Xem chi tiết"))[-1].text
    assert "Dinh dưỡng" in details and "Bảo hiểm y tế" in details  # named as missing


async def test_above_the_line_is_never_poor(bot) -> None:
    answers = ["/tudanhgia", "2", "2", "2", "3.000.001", *["1"] * 12]
    replies = []
    for line in answers:
        replies = await bot.say(line)
    assert "cao hơn mức sống trung bình" in replies[-1].text


async def test_full_self_assessment_in_english(make_bot, request) -> None:
    bot, script = make_bot("visitor", language="en"), Transcript()
    for line in ["/selfcheck", "1", "3", "2", "1500000", *["2"] * 12, "See details", "No"]:
        script.user(line)
        script.bot(await bot.say(line))
    script.check("selfassess-near-poor-en", request)
    text = "\n".join(script.lines)
    assert "NEAR-POOR" in text and "₫1,500,000" in text  # exactly on the rural line
    assert "Decree 07/2021/NĐ-CP" in text and "Ministry of Labour" in text  # the details
    assert "Nothing saved" in text and saved(bot.app) == 0


def test_dialog_resumes_after_the_process_is_killed(tmp_path) -> None:
    """A real process is killed (SIGKILL) mid-dialog; a new one resumes at the same step."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIAMNGHEO_")}
    proc = subprocess.Popen([GIAMNGHEO, "chat", "--json"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, cwd=tmp_path, env=env)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("/tudanhgia\n")
    proc.stdin.flush()
    seen = [json.loads(proc.stdout.readline()) for _ in range(2)]  # intro, first prompt
    if "năm nào" in seen[-1]["text"]:  # the real clock is in the review season (Sept-Dec)
        proc.stdin.write("Năm nay\n")
        proc.stdin.flush()
        seen.append(json.loads(proc.stdout.readline()))
    proc.stdin.write("1\n4\n")
    proc.stdin.flush()
    seen += [json.loads(proc.stdout.readline()) for _ in range(2)]
    assert "thu nhập" in seen[-1]["text"]
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    second = run(["chat", "--json"], "/tudanhgia\nTiếp tục\n", tmp_path)
    replies = [json.loads(line) for line in second.stdout.splitlines()]
    assert "đang làm dở" in replies[0]["text"]
    assert "thu nhập của cả nhà" in replies[1]["text"]  # the third question: answers kept


# ---------------------------------------------------------------- the review year (issue 12)

IN_SEASON = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)  # the autumn review, for 2027's lists
# rural, 4 people, 8 triệu a month for the household: 2,000,000 a person
START = ["/tudanhgia"]
HOUSEHOLD = ["1", "4", "Cả nhà mỗi tháng", "8 triệu"]


async def test_2026_in_the_review_season(bot, clock, request) -> None:
    """This year: Decree 07/2021's lines; 2,000,000 a person is above the rural line."""
    clock.now, script = IN_SEASON, Transcript()
    answers = ["2", "2", "2", "1", "2", "2", "2", "2", "2", "2", "1", "2"]  # BHYT, internet
    for line in [*START, "Năm nay", *HOUSEHOLD, *answers, "Xem chi tiết", "Đồng ý"]:
        script.user(line)
        script.bot(await bot.say(line))
    script.check("selfassess-2026-vi", request)
    text = "\n".join(script.lines)
    asked = text.split(">>> Năm nay")[0]
    assert "Năm 2026: theo chuẩn nghèo Nghị định 07/2021/NĐ-CP" in asked
    assert "Năm 2027: theo chuẩn nghèo Nghị định 351/2025/NĐ-CP" in asked
    assert "1. Năm nay" in asked and "2. Năm sau" in asked
    assert "(12/12)" in text and "(13/13)" not in text and "rác" not in text
    assert "MỨC SỐNG TRUNG BÌNH" in text and "chuẩn nghèo nông thôn: 1.500.000" in text
    assert "chưa được xác nhận" not in text   # 07/2021 is the published text
    assert _saved_row(bot.app) == ("nd07-2021", 2026)


async def test_2027_in_the_review_season(bot, clock, request) -> None:
    """Next year: Decree 351/2025's lines, the waste and digital-services questions, and the
    note that what the decree's text does not confirm is the commune's to decide."""
    clock.now, script = IN_SEASON, Transcript()
    answers = ["2", "2", "2", "1", "2", "2", "2", "2", "2", "2", "1", "2", "1"]
    for line in [*START, "Năm sau", *HOUSEHOLD, *answers, "Xem chi tiết", "Đồng ý"]:
        script.user(line)
        script.bot(await bot.say(line))
    script.check("selfassess-2027-vi", request)
    text = "\n".join(script.lines)
    assert "Áp dụng chuẩn nghèo năm 2027 theo Nghị định 351/2025/NĐ-CP" in text
    assert "(11/13)" in text and "rác sinh hoạt" in text and "dịch vụ số" in text
    assert "ti vi, radio" not in text   # the means-of-information question gave way
    assert "HỘ NGHÈO" in text and "chuẩn nghèo nông thôn: 2.200.000" in text
    result = text.split(">>> Xem chi tiết")[0].rsplit(">>> ", 1)[1]
    assert "Nghị định 351/2025/NĐ-CP" in result and "chưa được xác nhận" in result
    details = text.split(">>> Xem chi tiết")[1]
    assert "Thu gom, xử lý rác thải sinh hoạt" in details
    assert "Bộ Nông nghiệp và Môi trường" in details
    assert "UBND xã sẽ quyết định" in details
    assert _saved_row(bot.app) == ("nd351-2025", 2027)


async def test_2027_in_english(make_bot, clock, request) -> None:
    clock.now, script = IN_SEASON, Transcript()
    bot = make_bot("visitor", language="en")
    for line in ["/selfcheck", "Next year", "2", "3", "2", "2800000", *["2"] * 13, "See details",
                 "No"]:
        script.user(line)
        script.bot(await bot.say(line))
    script.check("selfassess-2027-en", request)
    text = "\n".join(script.lines)
    assert "• 2027: the poverty standard of Decree 351/2025/NĐ-CP" in text
    assert "NEAR-POOR" in text and "₫2,800,000" in text   # exactly on the 2027 urban line
    assert "rubbish" in text and "digital service" in text   # the two new questions
    assert "not yet confirmed" in text and "Ministry of Agriculture and Environment" in text
    assert "Nothing saved" in text and saved(bot.app) == 0


async def test_out_of_season_the_year_is_not_asked(bot, clock) -> None:
    clock.now = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
    replies = await bot.say("/tudanhgia")
    assert "năm nào" not in replies[-1].text
    assert "Áp dụng chuẩn nghèo năm 2027 theo Nghị định 351/2025/NĐ-CP" in replies[-1].text
    assert "Quay lại" not in [b.label for b in replies[-1].buttons]   # nothing before it


def _saved_row(app) -> tuple[str, int]:
    with app.store.session() as s:
        row = s.exec(select(SavedAssessment)).one()
    return row.standard_id, row.answers["review_year"]


# ---------------------------------------------------------------- one phone screen (issue 11)

def _worst_cases() -> list[tuple[str, dict[str, object]]]:
    """Every status, each year's standard, all deprivations, the most programmes (a poor
    district and a coastal commune), the longest income, the consent notice shown."""
    cases = []
    for year in (2026, 2027):
        codes = standard_for_year(year).codes
        for income in (1, 10_000_000_000):
            for answer in ("yes", "no", None):
                answers: dict[str, object] = {
                    YEAR_NOW: year, YEAR: "this", "area": "urban", "people": 1,
                    "income_mode": "person", "income": income, "_notice": True,
                    "_designations": ["poor_district", "disadvantaged_coastal_commune"],
                    **{indicator_key(c): answer for c in codes}}
                cases.append((f"{year} {income} {answer}", answers))
    return cases


@pytest.mark.parametrize("lang", [Lang.VI, Lang.EN])
def test_the_result_fits_one_phone_screen(lang: Lang) -> None:
    dialog, tr = build(), Tr(lang)
    longest = max(((len(confirmation(dialog, a, tr).text), name, a) for name, a in _worst_cases()),
                  key=lambda x: x[0])
    assert longest[0] <= 900, f"{longest[1]}: {confirmation(dialog, longest[2], tr).text}"
    # the worst case is a real one: all deprived, poor, ten programmes and more, the notice
    poor = dict(_worst_cases()[0][1])
    screen = confirmation(dialog, poor, tr).text
    assert "12/12" in screen or "12 of 12" in screen
    assert ("HỘ NGHÈO" in screen or "POOR" in screen) and "/" in screen
    assert assess(poor).programmes and len(assess(poor).programmes) >= 10
    assert notice(tr, Purpose.ASSESSMENT) in screen
    assert [b.label for b in confirmation(dialog, poor, tr).buttons][2] == tr("dialog.details")
    details = confirmation(dialog, poor, tr, detailed=True)
    assert all(tr.pick(standard_for_year(2026).section(s).name) in details.text
               for s in assess(poor).programmes)   # the rest is behind the button
    assert tr("dialog.details") not in [b.label for b in details.buttons]


def test_a_form_saved_before_it_knew_its_year_restarts_on_this_years_standard() -> None:
    """A self-assessment half done before the form asked for a year (no year stored, an older
    revision) is started again on the standard of the year it resumes in, not the newest."""
    from bot.core import dialog as engine
    from bot.core.state import DialogState

    march_2026 = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    old = DialogState("tudanhgia", "people", {"area": "rural", YEAR: "this"}, ("area",),
                      march_2026, march_2026, "before-years")
    result = engine.refit(build(), old, march_2026, Tr(Lang.VI))
    assert result.state is not None and result.state.answers.get(YEAR_NOW) == 2026
    assert standard_of(result.state.answers).decree == "07/2021/NĐ-CP"  # 2026: not 351/2025
