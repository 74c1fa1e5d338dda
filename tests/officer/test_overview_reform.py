"""/tongquan across the 2025 reform: the officer of Xã Bác Ái Tây (made on 1 July 2025 from
Phước Bình, Phước Hòa and Phước Tân) sees the 2023 reports of Xã Phước Bình's villages against
the plan's 2023 target, by former district, and the 2026 reports of today's villages."""

from __future__ import annotations

from sqlmodel import select

from storage.lineage import find_area
from storage.models import Area, AreaLevel, Household, Identity, User
from tests.officer.helpers import check_golden, local
from tests.test_report import DA5, talk
from tests.transcript import Transcript


def bound_in_2023(app, handle: str, role: str, code: str) -> str:
    """Someone bound, before the reform, to a 2023 unit (a deployment that migrated keeps
    them so: the binding stays as it was made)."""
    with app.store.session() as s:
        area = find_area(s, "2023", code)
        assert area is not None and area.valid_to is not None  # closed on 30/6/2025
        user = User(role=role, area_id=area.id, handle=handle)
        s.add(user)
        s.flush()
        assert user.id is not None
        s.add(Identity(channel="memory", external_id=handle, user_id=user.id))
    return handle


def collaborator_of_2023(app) -> str:
    """A collaborator of Thôn Mẫu Một of Xã Phước Bình (2023)."""
    return bound_in_2023(app, "ctv-2023", "collaborator", "DEMO-22783-1")


async def test_an_officers_overview_across_the_reform(make_bot, app, clock, request) -> None:
    clock.now = local("2023-03-20T09:00")
    await talk(make_bot(collaborator_of_2023(app)),
               ["/baocao", DA5, "5", "2", "Bỏ qua", "Bỏ qua", "Đồng ý"])
    clock.now = local("2026-03-20T09:00")
    await talk(make_bot("ctv-demo"), ["/baocao", DA5, "3", "1", "Bỏ qua", "Bỏ qua", "Đồng ý"])
    clock.now = local("2026-03-27T09:00")
    officer, script = make_bot("canbo-demo"), Transcript()
    then = (await talk(officer, ["/tongquan 2023-03"], script))[0].text
    now = (await talk(officer, ["/tongquan"], script))[0].text
    check_golden(script, "overview-across-reform-vi", request, {str(app.env.files()): "OUT"})
    # 2023: the report made under Xã Phước Bình counts for Xã Bác Ái Tây, against 2023's target
    assert then.startswith("TỔNG QUAN Xã Bác Ái Tây, tháng 3/2023")
    assert "Nhà khởi công: 5 căn / chỉ tiêu năm 2023 cả tỉnh 264" in then
    assert "Theo huyện cũ (địa giới năm 2023" in then
    assert "Huyện Bác Ái: Nhà khởi công 5 căn" in then
    assert "• Thôn Mẫu Một (dữ liệu mẫu): đã báo cáo, đúng hạn" in then
    # 2026: only 2026's figures, no target, no 2023 report counted again
    assert "Nhà khởi công: 3 căn\n" in now and "264" not in now and "huyện cũ" not in now


async def test_the_province_sees_2023_by_former_district(make_bot, app, clock) -> None:
    clock.now = local("2023-03-20T09:00")
    await talk(make_bot(collaborator_of_2023(app)),
               ["/baocao", DA5, "5", "2", "Bỏ qua", "Bỏ qua", "Đồng ý"])
    clock.now = local("2026-03-27T09:00")
    text = (await make_bot("admin-demo").say("/tongquan 2023-03"))[0].text
    assert text.startswith("TỔNG QUAN Tỉnh Khánh Hòa, tháng 3/2023")
    assert "  – Huyện Bác Ái: Nhà khởi công 5 căn; Nhà hoàn thành 2 căn" in text
    assert "• Xã Bác Ái Tây: 1/2 thôn đã báo cáo" in text  # by today's commune


async def test_a_split_wards_records_are_shown_as_waiting(make_bot, app, clock) -> None:
    with app.store.session() as s:
        old_ward, new_ward = find_area(s, "2023", "22768"), find_area(s, "2025-07", "22780")
        assert old_ward is not None and new_ward is not None  # Phường Đông Hải, then and now
        village = Area(epoch="2023", code="DH-1", name="Khu phố 1", kind="khu phố",
                       level=AreaLevel.VILLAGE, parent_id=old_ward.id)
        s.add(village)
        s.flush()
        s.add(Household(area_id=village.id, head_name="Hộ Mẫu", members=2, status="poor"))
        officer = User(role="officer", area_id=new_ward.id, handle="canbo-donghai")
        s.add(officer)
        s.flush()
        assert officer.id is not None
        s.add(Identity(channel="memory", external_id="canbo-donghai", user_id=officer.id))
    clock.now = local("2026-03-27T09:00")
    text = (await make_bot("canbo-donghai").say("/tongquan"))[0].text
    assert ("Hồ sơ lập dưới Phường Đông Hải (nay chia cho nhiều xã, phường mới) chưa được gán"
            in text and "1 hộ, 0 báo cáo" in text)


def officer_of_2023(app) -> str:
    """An officer of Xã Phước Bình (2023)."""
    return bound_in_2023(app, "canbo-2023", "officer", "22783")


async def test_an_officer_still_bound_to_a_merged_commune_works_on_its_successor(
        make_bot, app, clock) -> None:
    clock.now = local("2026-03-20T09:00")
    await talk(make_bot("ctv-demo"), ["/baocao", DA5, "3", "1", "Bỏ qua", "Bỏ qua", "Đồng ý"])
    clock.now = local("2026-03-27T09:00")
    text = (await make_bot(officer_of_2023(app)).say("/tongquan"))[0].text
    assert text.startswith("TỔNG QUAN Xã Bác Ái Tây, tháng 3/2026")  # today's commune
    assert "Nhà khởi công: 3 căn" in text  # a village made after the reform is counted
    with app.store.session() as s:  # the binding is kept as it was made
        user = s.exec(select(User).where(User.handle == "canbo-2023")).one()
        area = s.get(Area, user.area_id)
        assert area is not None and (area.epoch, area.code) == ("2023", "22783")
