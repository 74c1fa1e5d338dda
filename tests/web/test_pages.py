"""What an officer reads on the pages: reporting rates, overdue villages and reminders,
progress, the register (search with or without accents, names masked where the role does
not need them), "not right" feedback, exports; Vietnamese first, months as people write."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

from openpyxl import load_workbook
from sqlmodel import select

from scheduler.planner import tick
from scheduler.timetable import load_calendar
from storage import feedback, fieldwork
from storage.lineage import find_area
from storage.models import User
from tests.security.world import ADMIN, OFFICER, OTHER_OFFICER, World
from tests.web.helpers import csrf, sign_in, text_of, user_id

ISO_MONTH = re.compile(r"\b20\d\d-(0[1-9]|1[0-2])\b")


def test_reporting_rates_per_village_with_months_in_words(world: World) -> None:
    page = text_of(sign_in(world, OFFICER).get("/completeness").text)
    assert "Tỷ lệ báo cáo tháng 3/2026: Xã Bác Ái Tây" in page
    assert "Thôn Mẫu Một (dữ liệu mẫu) 1 1 100% 1 100%" in page
    assert "Thôn Mẫu Hai (dữ liệu mẫu) 1 0 0% 0 0%" in page
    assert "1/2 thôn đã gửi, 1 đúng hạn" in page
    assert not ISO_MONTH.search(page)


def test_the_province_sees_communes_and_drills_down(world: World) -> None:
    browser = sign_in(world, ADMIN)
    page = browser.get("/completeness").text
    assert 'href="/completeness?area=22786&amp;period=2026-03"' in page
    commune = text_of(browser.get("/completeness?area=22786&period=2026-02").text)
    assert "tháng 2/2026: Xã Bác Ái Tây" in commune and "Thôn Mẫu Hai" in commune


def test_overdue_villages_with_who_was_reminded_when(world: World) -> None:
    tick(world.store, load_calendar(), lambda: datetime(2026, 3, 22, 2, 0, tzinfo=UTC))
    world.clock.now = datetime(2026, 3, 27, 3, 0, tzinfo=UTC)
    page = text_of(sign_in(world, OFFICER).get("/overdue").text)
    assert "đã quá hạn 2 ngày" in page
    assert "Thôn Mẫu Hai (dữ liệu mẫu)" in page and "Thôn Mẫu Một" not in page
    assert re.search(r"Nhắc trước hạn: người dùng số \d+ · 09:00 22/3/26 · đang chờ gửi", page)


def test_progress_against_the_plans_targets(world: World) -> None:
    page = text_of(sign_in(world, ADMIN).get("/progress").text)
    assert "Tiến độ năm 2026: Tỉnh Khánh Hòa" in page
    assert "Nhà khởi công 3 căn" in page and "/ 264" not in page  # 2026: no target in the data
    assert "Năm 2026 chưa có chỉ tiêu trong dữ liệu" in page
    assert "tháng 3/2026" in page and not ISO_MONTH.search(page)


def test_the_plans_year_by_former_district(world: World) -> None:
    """2023's houses, reported under Xã Phước Bình's village, against the plan's target and
    under Huyện Bác Ái (computed from the lineage: the province of today has no districts)."""
    with world.store.session() as s:
        village = find_area(s, "2023", "DEMO-22783-1")
        assert village is not None and village.id is not None
        author = s.exec(select(User).where(User.handle == "ctv-demo")).one().id or 0
        fieldwork.save_report(s, area_id=village.id, project="DA5", author_id=author,
                              sent_at=datetime(2023, 4, 3, 2, 0, tzinfo=UTC),
                              content={"values": {"nha_khoicong": 7}})
    page = text_of(sign_in(world, ADMIN).get("/progress?year=2023").text)
    assert "Nhà khởi công 7 căn / 264" in page
    assert "Theo huyện cũ (địa giới năm 2023" in page and "Huyện Bác Ái 7 0" in page


def test_the_register_is_searched_with_or_without_accents(world: World) -> None:
    browser = sign_in(world, OFFICER)
    for query in ("nguyen thi lan", "Nguyễn Thị Lan", "NGUYEN lan", "thi lan"):
        page = text_of(browser.get("/households", params={"q": query}).text)
        assert "Nguyễn Thị Lan" in page and "1 hộ." in page, query
    assert "0 hộ." in text_of(browser.get("/households?q=lan%25").text)  # % is a letter here
    poor = text_of(browser.get("/households?status=poor").text)
    assert "Nguyễn Thị Lan" in poor and "Katơr Văn Minh" not in poor


def test_names_are_masked_for_the_province(world: World) -> None:
    page = text_of(sign_in(world, ADMIN).get("/households?q=nguyen+thi+lan").text)
    assert "Nguyễn T. L." in page and "Nguyễn Thị Lan" not in page
    assert "che bớt" in page
    approvals = text_of(sign_in(world, ADMIN).get("/approvals").text)
    assert "Ya T. H." in approvals and "Ya Thị Hạnh" not in approvals  # a new household


def test_not_right_answers_by_topic_within_the_area(world: World) -> None:
    citizen = user_id(world, "nguoidan-demo")
    village = world.area_id("DEMO-22783-1")
    with world.store.session() as s:
        for verdict, question in ((feedback.Verdict.NOT_RIGHT, "bảo hiểm y tế cho cụ già"),
                                  (feedback.Verdict.NOT_RIGHT, "thẻ bhyt hết hạn"),
                                  (feedback.Verdict.USEFUL, "bhyt cận nghèo")):
            feedback.record(s, user_id=citizen, area_id=village, question=question,
                            section="CS.y-te", entry=None, verdict=verdict, at=world.clock())
    page = text_of(sign_in(world, OFFICER).get("/feedback").text)
    assert "Bảo hiểm y tế, hỗ trợ y tế 3 2 66,7%" in page
    assert "thẻ bhyt hết hạn" in page and "bhyt cận nghèo" not in page
    other = text_of(sign_in(world, OTHER_OFFICER).get("/feedback").text)
    assert "thẻ bhyt" not in other and "Chưa có lượt đánh giá nào." in other


def test_exports_download_with_names_as_the_role_may_see_them(world: World) -> None:
    officer = sign_in(world, OFFICER)
    book = officer.post("/exports", data={"csrf": csrf(officer), "format": "xlsx"})
    assert book.headers["content-disposition"].endswith('.xlsx"')
    sheets = load_workbook(io.BytesIO(book.content), read_only=True)
    assert sheets.sheetnames == ["Báo cáo", "Sổ hộ", "Thông tin xuất"]
    admin = sign_in(world, ADMIN)
    rows = admin.post("/exports", data={"csrf": csrf(admin), "format": "csv",
                                        "table": "households", "area": "22783"})
    table = list(csv.reader(io.StringIO(rows.content.decode("utf-8-sig"))))
    heads = [row[4] for row in table[1:]]
    assert "Nguyễn T. L." in heads and "Nguyễn Thị Lan" not in heads
    assert "Xuất file địa bàn" in text_of(admin.get("/audit").text)


def test_an_officer_who_chose_english_reads_english(world: World) -> None:
    with world.store.session() as s:
        person = s.get(User, user_id(world, OFFICER))
        assert person is not None
        person.language = "en"
        s.add(person)
    page = text_of(sign_in(world, OFFICER).get("/completeness").text)
    assert "Reporting rates, March 2026: Xã Bác Ái Tây" in page


def test_an_officer_bound_to_a_merged_commune_sees_its_successors_villages(world: World) -> None:
    from storage.models import Identity

    with world.store.session() as s:  # bound before the reform; the binding stays as made
        old = find_area(s, "2023", "22783")  # Xã Phước Bình, closed on 30/6/2025
        assert old is not None and old.valid_to is not None
        user = User(role="officer", area_id=old.id, handle="canbo-2023")
        s.add(user)
        s.flush()
        assert user.id is not None
        s.add(Identity(channel="memory", external_id="canbo-2023", user_id=user.id))
    page = text_of(sign_in(world, "canbo-2023").get("/completeness").text)
    assert "Tỷ lệ báo cáo tháng 3/2026: Xã Bác Ái Tây" in page  # today's commune
    assert "Thôn Mẫu Hai (dữ liệu mẫu)" in page  # a village of today's commune
