"""What is due: the pure planner, table-tested at its boundaries (no storage, no clock)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.base.messages import Role
from scheduler.due import Person, Place, Status, World, compute, mark_planned
from scheduler.timetable import CALENDAR, deadline, load_calendar, quiet_until

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = load_calendar()
PROVINCE, DISTRICT, COMMUNE, V1, V2, COMMUNE2, V3 = 1, 2, 3, 4, 5, 6, 7
PLACES = {
    PROVINCE: Place(PROVINCE, "Tỉnh", "province", None),
    DISTRICT: Place(DISTRICT, "Huyện", "district", PROVINCE),
    COMMUNE: Place(COMMUNE, "Xã Một", "commune", DISTRICT),
    V1: Place(V1, "Thôn A", "village", COMMUNE),
    V2: Place(V2, "Thôn B", "village", COMMUNE),
    COMMUNE2: Place(COMMUNE2, "Xã Hai", "commune", DISTRICT),
    V3: Place(V3, "Thôn C", "village", COMMUNE2),
}
TG = ("telegram",)
CTV_A = Person(11, Role.COLLABORATOR, V1, TG)
CTV_B = Person(12, Role.COLLABORATOR, V2, TG)
CTV_C = Person(13, Role.COLLABORATOR, V3, TG)
OFFICER = Person(21, Role.OFFICER, COMMUNE, TG)
ADMIN = Person(31, Role.ADMIN, PROVINCE, TG)
CITIZEN = Person(41, Role.CITIZEN, V1, TG)
PEOPLE = (CTV_A, CTV_B, CTV_C, OFFICER, ADMIN, CITIZEN)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN).astimezone(UTC)


def world(people=PEOPLE, reported=frozenset(), places=PLACES) -> World:
    return World(tuple(people), places, frozenset(reported))


def due_at(text: str, **kw) -> list[tuple[int, str, Status]]:
    return sorted((d.user_id, d.stage.kind, d.status) for d in compute(CAL, world(**kw),
                                                                       local(text)))


SEND, QUIET, LATE = Status.SEND, Status.QUIET, Status.TOO_LATE
ALL_VILLAGES = [(11, "report-3d", SEND), (12, "report-3d", SEND), (13, "report-3d", SEND)]


@pytest.mark.parametrize(("moment", "expected"), [
    ("2026-03-22T07:59", []),  # before the first reminder's hour
    ("2026-03-22T08:00", ALL_VILLAGES),  # three days before the deadline
    ("2026-03-24T10:00", ALL_VILLAGES),  # the day before: a restart still sends "3 days"
    ("2026-03-25T07:59", ALL_VILLAGES),
    ("2026-03-25T08:00", [(11, "report-0d", SEND), (12, "report-0d", SEND),
                          (13, "report-0d", SEND)]),  # the deadline closes "3 days"
    ("2026-03-23T05:00", [(11, "report-3d", QUIET), (12, "report-3d", QUIET),
                          (13, "report-3d", QUIET)]),  # night: waits for 06:00
    ("2026-03-25T23:59", [(11, "report-0d", LATE), (12, "report-0d", LATE),
                          (13, "report-0d", LATE)]),  # night until after the deadline
    ("2026-03-26T00:00", []),  # the deadline has passed; the digest is at 08:00
    ("2026-03-26T08:00", [(21, "digest", SEND)]),
    ("2026-03-30T07:59", [(21, "digest", SEND)]),
    ("2026-03-30T08:00", [(21, "digest", SEND), (31, "escalate", SEND)]),  # 5 days after
    ("2026-03-31T20:59", [(21, "digest", SEND), (31, "escalate", SEND)]),
    ("2026-03-31T21:00", [(21, "digest", LATE), (31, "escalate", LATE)]),  # month ends
    ("2026-04-01T00:00", []),  # March is over: a report now counts for April
    ("2026-04-21T09:00", []),
])
def test_the_monthly_calendar_at_its_boundaries(moment: str, expected: list) -> None:
    assert due_at(moment) == expected


def test_reported_villages_are_not_chased_and_the_digest_lists_the_others() -> None:
    reported = {(V1, "2026-03"), (V3, "2026-03")}
    assert due_at("2026-03-22T09:00", reported=reported) == [(12, "report-3d", SEND)]
    digest = compute(CAL, world(reported=reported), local("2026-03-26T09:00"))
    assert [(d.user_id, [i.area_id for i in d.items]) for d in digest] == [(21, [V2])]


def test_last_months_report_does_not_count_for_this_month() -> None:
    assert len(due_at("2026-03-22T09:00", reported={(V1, "2026-02")})) == 3


def test_escalation_lists_communes_with_missing_villages_to_the_nearest_level_up() -> None:
    [up] = compute(CAL, world(reported={(V1, "2026-03")}), local("2026-03-30T09:00"))[1:]
    assert up.user_id == ADMIN.id  # nobody at the district: the province; by name
    assert [(i.area_id, i.missing, i.expected) for i in up.items] == [(COMMUNE2, 1, 1),
                                                                       (COMMUNE, 1, 2)]
    district_officer = Person(22, Role.OFFICER, DISTRICT, TG)
    found = due_at("2026-03-30T09:00", people=(*PEOPLE, district_officer))
    assert (22, "escalate", SEND) in found and (31, "escalate", SEND) not in found


def test_two_level_tree_escalates_from_commune_to_province() -> None:
    places = {**PLACES, COMMUNE: replace(PLACES[COMMUNE], parent_id=PROVINCE),
              COMMUNE2: replace(PLACES[COMMUNE2], parent_id=PROVINCE)}
    places.pop(DISTRICT)
    assert (31, "escalate", SEND) in due_at("2026-03-30T09:00", places=places)


def test_muted_unreachable_and_accountless_people_are_not_sent() -> None:
    people = (replace(CTV_A, muted=True), replace(CTV_B, reachable=False),
              replace(CTV_C, channels=()))
    assert due_at("2026-03-22T09:00", people=people) == [
        (11, "report-3d", Status.MUTED), (12, "report-3d", Status.UNREACHABLE),
        (13, "report-3d", Status.UNREACHABLE)]


@pytest.mark.parametrize(("touched", "status"), [
    ("2026-03-22T08:55", Status.BUSY),  # 5 minutes ago: the dialog is in progress
    ("2026-03-22T08:00:01", Status.BUSY),
    ("2026-03-22T08:00", SEND),  # untouched for an hour: paused, not in progress
    (None, SEND),
])
def test_a_dialog_in_progress_defers_the_reminder(touched: str | None, status: Status) -> None:
    person = replace(CTV_A, dialog_at=local(touched) if touched else None)
    [due] = compute(CAL, world(people=(person,)), local("2026-03-22T09:00"))
    assert due.status is status
    if status is Status.BUSY:
        assert due.not_before == local(touched) + CAL.dialog_idle


def test_push_flag_and_local_only_people() -> None:
    people = (replace(CTV_A, channels=("terminal", "memory")),)
    [due] = compute(CAL, world(people=people), local("2026-03-22T09:00"))
    assert due.status is SEND and not due.push


def test_keys_are_per_user_reminder_and_period_and_mark_planned() -> None:
    dues = compute(CAL, world(), local("2026-03-22T09:00"))
    assert dues[0].key == "remind:11:report-3d:2026-03"
    marked = mark_planned(dues, {"remind:11:report-3d:2026-03"})
    assert [d.status for d in marked] == [Status.PLANNED, SEND, SEND]


@pytest.mark.parametrize(("moment", "until"), [
    ("2026-03-22T20:59", None),
    ("2026-03-22T21:00", "2026-03-23T06:00"),
    ("2026-03-22T23:59", "2026-03-23T06:00"),
    ("2026-03-23T00:00", "2026-03-23T06:00"),
    ("2026-03-23T05:59", "2026-03-23T06:00"),
    ("2026-03-23T06:00", None),
])
def test_quiet_hours_end_at_six_local(moment: str, until: str | None) -> None:
    assert quiet_until(CAL, local(moment)) == (local(until) if until else None)


def test_review_season_nudges_every_collaborator() -> None:
    reported = {(v, "2026-09") for v in (V1, V2, V3)}
    assert due_at("2026-09-01T07:59", reported=reported) == []
    assert due_at("2026-09-01T08:00", reported=reported) == [
        (11, "review-start", SEND), (12, "review-start", SEND), (13, "review-start", SEND)]
    reported = {(v, "2026-12") for v in (V1, V2, V3)}
    assert {k for _, k, _ in due_at("2026-12-07T08:00", reported=reported)} == {"review-7d"}
    assert due_at("2026-12-15T08:00", reported=reported) == []


def test_the_calendar_is_data(tmp_path: Path) -> None:
    text = CALENDAR.read_text(encoding="utf-8").replace("due_day: 25", "due_day: 31")
    (tmp_path / "cal.yaml").write_text(text, encoding="utf-8")
    cal = load_calendar(tmp_path / "cal.yaml")
    assert deadline(cal, "2026-02") == date(2026, 2, 28) and deadline(cal, "2024-02").day == 29
    bad = text.replace("remind_days_before: [3, 0]", "remind_days_before: [31, 0]")
    (tmp_path / "bad.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(ValueError):
        load_calendar(tmp_path / "bad.yaml")
