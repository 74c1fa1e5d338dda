"""The storage the dashboard adds, on its own: masking, feedback queries, the register's
search key, the audit log; and the dashboard over PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.base.messages import Role
from storage import audit, feedback, privacy, register
from storage.models import AreaLevel, Household, User
from storage.names import fold_name
from storage.repo import Store

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def test_masking_keeps_the_family_name_and_initials() -> None:
    assert privacy.mask_name("Nguyễn Thị Lan") == "Nguyễn T. L."
    assert privacy.mask_name("Pi Năng Thị Hoa") == "Pi N. T. H."
    assert privacy.mask_name("  lan ") == "L." and privacy.mask_name("") == ""


def test_who_sees_full_names() -> None:
    assert privacy.may_see_names(Role.OFFICER, AreaLevel.COMMUNE)
    assert privacy.may_see_names(Role.COLLABORATOR, AreaLevel.VILLAGE)
    assert not privacy.may_see_names(Role.OFFICER, AreaLevel.DISTRICT)
    assert not privacy.may_see_names(Role.ADMIN, AreaLevel.PROVINCE)
    assert not privacy.may_see_names(Role.CITIZEN, AreaLevel.VILLAGE)
    assert privacy.namer(Role.ADMIN, AreaLevel.PROVINCE)("Trần Văn Bình") == "Trần V. B."


def test_the_search_key_is_kept_for_every_insert_and_rename(store: Store) -> None:
    with store.session() as s:
        s.add(Household(area_id=1, head_name="Đặng  Thị Ánh"))
        s.execute(Household.__table__.insert(), [{"area_id": 1,  # type: ignore[attr-defined]
                                                  "head_name": "Lê Văn Đức",
                                                  "created_at": NOW, "updated_at": NOW}])
    with store.session() as s:
        keys = {h.head_name: h.name_key for h in s.exec(select(Household)).all()}
        assert keys["Đặng  Thị Ánh"] == "dang thi anh" and keys["Lê Văn Đức"] == "le van duc"
        renamed = s.exec(select(Household).where(Household.head_name == "Lê Văn Đức")).one()
        renamed.head_name = "Lê Văn Đoàn"
        s.add(renamed)
    with store.session() as s:
        assert register.search(s, [1], "doan").total == 1
        assert fold_name("ĐOÀN") == "doan"


def test_feedback_shares_per_topic_worst_first(store: Store) -> None:
    with store.session() as s:
        user = s.exec(select(User).where(User.handle == "nguoidan-demo")).one()
        for n, (section, verdict) in enumerate([("DA5", "not_right"), ("DA5", "useful"),
                                                ("CS.y-te", "not_right"), ("DA1", "useful")]):
            feedback.record(s, user_id=user.id or 0, area_id=None if n == 3 else user.area_id,
                            question=f"q{n}", section=section, entry=None,
                            verdict=feedback.Verdict(verdict), at=NOW + timedelta(hours=n))
        area = [user.area_id or 0]
        shares = feedback.topic_shares(s, area)
        assert [(t.section, t.total, t.not_right) for t in shares] == [
            ("CS.y-te", 1, 1), ("DA5", 2, 1)]
        assert len(feedback.topic_shares(s, area, unplaced=True)) == 3
        assert [i.question for i in feedback.not_right(s, area)] == ["q2", "q0"]
        assert [i.question for i in feedback.not_right(s, area, section="DA5")] == ["q0"]
        assert feedback.not_right(s, area, since=NOW + timedelta(hours=1))[0].question == "q2"


def test_audit_entries_within_areas_newest_first(store: Store) -> None:
    with store.session() as s:
        for n, area in enumerate((1, 2, None)):
            audit.record(s, actor_id=None, role="officer", action=audit.Action.EXPORT,
                         target=audit.Target.AREA, target_id=area, area_id=area,
                         via=audit.Via.CLI, at=NOW + timedelta(minutes=n), detail="x" * 500)
        assert [e.area_id for e in audit.entries(s, [1, 2])] == [2, 1]
        assert audit.count(s, [1], unplaced=True) == 2
        assert len(audit.entries(s, None)[0].detail) == audit.DETAIL_MAX


@pytest.mark.postgres
def test_the_dashboard_on_postgresql(pg_url: str, tmp_path: object) -> None:
    from bot.core.app import App
    from handlers import build_registry
    from tests.conftest import FakeClock
    from tests.security.world import OFFICER, World
    from tests.web.helpers import csrf, sign_in, text_of

    store = Store.open(pg_url)
    clock = FakeClock()
    world = World(store, App(store, build_registry(), clock=clock), clock)
    world.talk("ctv-demo", ["/baocao", "Dự án 5: Hỗ trợ nhà ở hộ nghèo, cận nghèo ở huyện "
                            "nghèo", "3", "2", "Bỏ qua", "Bỏ qua", "Đồng ý"])
    browser = sign_in(world, OFFICER)
    assert "1/2 thôn đã gửi" in text_of(browser.get("/completeness").text)
    assert "Nguyễn Thị Lan" in text_of(browser.get("/households?q=nguyen+lan").text)
    done = browser.post("/approvals/period", data={
        "csrf": csrf(browser), "village": str(world.area_id("DEMO-22783-1")),
        "period": "2026-03", "action": "approve"})
    assert "Đã duyệt báo cáo tháng" in text_of(done.text)
    assert "Duyệt báo cáo tháng" in text_of(browser.get("/audit").text)
    store.engine.dispose()
