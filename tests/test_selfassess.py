"""Citizens' self-assessment (/tudanhgia) through the real app."""

from __future__ import annotations

import json
import os
import signal
import subprocess

from sqlmodel import func, select

from storage.models import SavedAssessment
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
