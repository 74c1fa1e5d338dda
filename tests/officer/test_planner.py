"""Planning reminders into the outbox over the real database and the demo users."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.base.messages import ConversationKey, Incoming, Text
from scheduler.planner import dry_run, tick
from scheduler.timetable import load_calendar
from tests.officer.helpers import add_account, local, outbox, user_id
from tests.test_cli import run
from tests.test_report import talk

CAL = load_calendar()


def test_planning_twice_adds_nothing(app, clock) -> None:
    clock.now = local("2026-03-22T09:00")
    assert tick(app.store, CAL, clock) == 1
    assert tick(app.store, CAL, clock) == 0
    ctv = user_id(app, "ctv-demo")
    [row] = outbox(app, "remind:")
    assert (row.dedup_key, row.priority, row.user_id) == (
        f"remind:{ctv}:report-3d:2026-03", 2, ctv)
    assert row.channel == "terminal"  # a demo user with no push account: counted, kept


def test_a_restart_plans_what_fell_due_while_it_was_down(app, clock) -> None:
    clock.now = local("2026-03-24T16:00")  # down since before the 22nd
    assert tick(app.store, CAL, clock) == 1
    clock.now = local("2026-03-25T10:00")  # and again until the deadline day
    assert tick(app.store, CAL, clock) == 1
    kinds = [r.dedup_key.split(":")[2] for r in outbox(app, "remind:")]
    assert kinds == ["report-3d", "report-0d"]


def test_a_restart_on_the_deadline_sends_only_the_latest_reminder(app, clock) -> None:
    clock.now = local("2026-03-25T10:00")
    tick(app.store, CAL, clock)
    assert [r.dedup_key.split(":")[2] for r in outbox(app, "remind:")] == ["report-0d"]


async def test_a_reported_village_is_not_chased_and_the_digest_names_the_rest(
        make_bot, app, clock) -> None:
    clock.now = local("2026-03-20T10:00")
    await talk(make_bot("ctv-demo"), ["/baocao", "Không có thay đổi", "Đồng ý"])
    clock.now = local("2026-03-22T09:00")
    assert tick(app.store, CAL, clock) == 0
    clock.now = local("2026-03-26T09:00")
    assert tick(app.store, CAL, clock) == 1
    [digest] = outbox(app, "remind:")
    assert digest.user_id == user_id(app, "canbo-demo")
    text = digest.payload["text"]
    assert "Thôn Mẫu Hai" in text and "Thôn Mẫu Một" not in text and "1/2" in text


def test_push_account_gets_a_rendered_telegram_message(app, clock) -> None:
    ctv = add_account(app, "ctv-demo", "telegram", "777")
    clock.now = local("2026-03-22T09:00")
    tick(app.store, CAL, clock)
    [row] = outbox(app, "remind:")
    assert (row.channel, row.chat_id, row.user_id) == ("telegram", "777", ctv)
    assert row.payload["kind"] == "text"
    assert "/baocao" in row.payload["text"] and "/tatnhacnho" in row.payload["text"]
    assert "25/3/26" in row.payload["text"] and "còn 3 ngày" in row.payload["text"]


async def test_a_dialog_in_progress_defers_until_it_ends(make_bot, app, clock) -> None:
    clock.now = local("2026-03-22T08:50")
    bot = make_bot("ctv-demo")
    await bot.say("/baocao")
    clock.now = local("2026-03-22T09:00")
    assert tick(app.store, CAL, clock) == 0
    assert "đang làm dở" in "\n".join(dry_run(app.store, CAL, clock.now))
    clock.advance(minutes=5)
    await bot.say("/huy")
    assert tick(app.store, CAL, clock) == 1


def test_quiet_hours_wait_for_the_morning(app, clock) -> None:
    clock.now = local("2026-03-22T22:00")
    assert tick(app.store, CAL, clock) == 0 and outbox(app) == []
    assert "chờ đến 06:00 23/3/26" in "\n".join(dry_run(app.store, CAL, clock.now))
    clock.now = local("2026-03-23T06:00")
    assert tick(app.store, CAL, clock) == 1


async def test_muted_collaborator_is_skipped(make_bot, app, clock) -> None:
    replies = await make_bot("ctv-demo").say("/tatnhacnho")
    assert "Đã tắt tin nhắc việc" in replies[0].text
    clock.now = local("2026-03-22T09:00")
    assert tick(app.store, CAL, clock) == 0
    assert "đã tắt nhắc việc" in dry_run(app.store, CAL, clock.now)[0]
    replies = await make_bot("ctv-demo").say("/mute")
    assert "Đã bật lại" in replies[0].text
    assert tick(app.store, CAL, clock) == 1


def test_dry_run_writes_nothing_and_explains(app, clock) -> None:
    clock.now = local("2026-03-30T09:00")
    lines = dry_run(app.store, CAL, clock.now)
    assert outbox(app) == []
    assert [line.split()[:3] for line in lines] == [["canbo-demo", "officer", "digest"],
                                                    ["admin-demo", "admin", "escalate"]]
    assert "Xã Bác Ái Tây: 2/2" in lines[1] and "Xã Phước Dinh: 1/1" in lines[1]
    tick(app.store, CAL, clock)
    assert all("đã xếp hàng" in line for line in dry_run(app.store, CAL, clock.now))


def test_citizens_are_never_reminded(app, clock) -> None:
    clock.now = local("2026-03-22T09:00")
    tick(app.store, CAL, clock)
    assert user_id(app, "nguoidan-demo") not in {r.user_id for r in outbox(app)}


def test_cli_dry_run(tmp_path: Path) -> None:
    done = run(["remind", "--dry-run", "--at", "2026-03-22T09:00"], "", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "ctv-demo" in done.stdout and "report-3d" in done.stdout
    assert run(["remind", "--at", "2026-03-22T09:00"], "", tmp_path).returncode == 2


def test_deadline_reminder_says_days_left_in_local_days(app, clock) -> None:
    clock.now = local("2026-03-22T23:30") + timedelta(hours=7)  # 06:30 on the 23rd
    tick(app.store, CAL, clock)
    assert "còn 2 ngày" in outbox(app, "remind:")[0].payload["text"]


def test_a_terminal_user_sees_the_reminder_with_the_next_message(app, clock) -> None:
    clock.now = local("2026-03-22T09:00")
    tick(app.store, CAL, clock)
    key = ConversationKey("terminal", "ctv-demo", "ctv-demo")
    replies = app.handle(Incoming(key, Text("/start")))
    assert replies[0].text.startswith("Nhắc việc: Thôn Mẫu Một (dữ liệu mẫu) chưa gửi")


def test_escalation_message_names_the_communes(app, clock) -> None:
    clock.now = local("2026-03-30T09:00")
    tick(app.store, CAL, clock)
    [row] = [r for r in outbox(app, "remind:") if ":escalate:" in r.dedup_key]
    assert row.user_id == user_id(app, "admin-demo")
    assert "quá hạn 5 ngày (hạn 25/3/26)" in row.payload["text"]
    assert "• Xã Bác Ái Tây: 2/2 thôn chưa báo cáo\n• Xã Phước Dinh: 1/1" in row.payload["text"]
