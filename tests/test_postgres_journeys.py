"""The journeys on PostgreSQL: the same app, the same answers, the same records."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.channels.memory import MemoryChannel
from bot.core.app import App
from handlers import build_registry
from storage.models import CitizenQuestion, Household, Report, ReportVersion
from storage.repo import Store
from tests.test_household import NO_DEPRIVATION, members
from tests.test_report import DA5, talk

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(pg_url: str, clock) -> App:
    return App(Store.open(pg_url), build_registry(), clock=clock)


async def test_report_correction_and_approval_on_postgres(pg_app: App) -> None:
    collaborator = MemoryChannel(pg_app, "ctv-demo")
    await talk(collaborator, ["/baocao", DA5, "3", "2", "Bỏ qua", "Bỏ qua", "Đồng ý"])
    await talk(collaborator, ["/baocao", DA5, "4", "2", "Bỏ qua", "Bỏ qua", "Đồng ý"])
    await talk(collaborator, ["/hogiadinh", "Tìm hộ đã có", "kator van mihn", "1",
                              "Thoát nghèo", *members(4), "Cả nhà mỗi tháng", "8 triệu",
                              *NO_DEPRIVATION, "Đồng ý"])
    officer = MemoryChannel(pg_app, "canbo-demo")
    await officer.say("/duyet")
    await officer.press("Duyệt")
    await talk(officer, ["Không cần ghi chú", "Đồng ý"])
    with pg_app.store.session() as s:
        assert len(s.exec(select(Report)).all()) == 1
        assert [v.values for v in s.exec(select(ReportVersion).order_by(ReportVersion.version))
                ] == [{"nha_khoicong": 3, "nha_hoanthanh": 2},
                      {"nha_khoicong": 4, "nha_hoanthanh": 2}]
        minh = s.exec(select(Household).where(Household.head_name == "Katơr Văn Minh")).one()
        assert minh.status == "escaped"
    told = await collaborator.say("/start")
    assert "DUYỆT" in told[0].text


async def test_citizen_question_and_answer_on_postgres(pg_app: App) -> None:
    citizen = MemoryChannel(pg_app, "nguoidan-demo")
    replies = await citizen.say("ho can ngheo co dc bhyt ko")
    assert "mục II.2.2.b" in replies[0].text
    await citizen.say("giá xăng hôm nay")
    await citizen.press("Chuyển câu hỏi cho cán bộ")
    await citizen.press("Đồng ý chuyển câu hỏi")
    officer = MemoryChannel(pg_app, "canbo-demo")
    await officer.say("/cauhoi")
    await officer.press("Trả lời")
    await talk(officer, ["Bot không trả lời giá xăng.", "Đồng ý"])
    with pg_app.store.session() as s:
        asked = s.exec(select(CitizenQuestion).where(CitizenQuestion.text == "giá xăng hôm nay"))
        assert asked.one().status == "answered"
    assert "Bot không trả lời giá xăng" in (await citizen.say("/start"))[0].text
