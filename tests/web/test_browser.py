"""In a real headless Chromium: sign in with the chat's link, approve one update, answer
one question, download one export; and the pages fit a 360-px phone screen.

Skipped, with the reason, where Debian's chromium or Playwright is missing, except under
GIAMNGHEO_REQUIRE_BROWSER=1 (set by .ci/run), where that is a failure."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.web.app import create_app
from storage.models import CitizenQuestion, HouseholdUpdate
from tests.security.world import CITIZEN, COLLABORATOR, OFFICER, World, build_world, texts
from tests.web.helpers import link_for
from tests.web.live import REQUIRE, browser_missing, chromium, serving

PAGES = ["/", "/completeness", "/overdue", "/progress", "/approvals", "/households",
         "/questions", "/feedback", "/exports", "/audit"]


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[World, str, Any]]:
    missing = browser_missing()
    if missing:
        if os.environ.get(REQUIRE):
            pytest.fail(f"{REQUIRE} is set but {missing}")
        pytest.skip(missing)
    world = build_world(tmp_path)
    with serving(create_app(world.store, clock=world.clock)) as base, chromium() as browser:
        yield world, base, browser


def signed_in(world: World, base: str, browser: Any, width: int = 1280) -> Any:
    page = browser.new_page(viewport={"width": width, "height": 900}, accept_downloads=True)
    page.goto(base + link_for(world, OFFICER))
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base + "/")
    return page


def test_sign_in_approve_answer_and_download(live: tuple[World, str, Any],
                                             tmp_path: Path) -> None:
    world, base, browser = live
    page = signed_in(world, base, browser)
    assert page.get_by_role("heading", level=1).inner_text() == "Tổng quan: Xã Bác Ái Tây"
    number = world.ids["update"]
    page.get_by_role("link", name="Duyệt", exact=True).click()
    page.locator(f"#update-{number}").get_by_role("button", name="Duyệt", exact=True).click()
    assert f"Đã duyệt cập nhật số {number}" in page.get_by_role("status").inner_text()
    question = world.ids["question"]
    page.get_by_role("link", name="Câu hỏi").click()
    item = page.locator(f"#question-{question}")
    item.get_by_label("Câu trả lời").fill("Thôn họp tối thứ Năm tại nhà văn hóa.")
    item.get_by_role("button", name="Gửi câu trả lời").click()
    assert f"câu hỏi số {question}" in page.get_by_role("status").inner_text()
    page.get_by_role("link", name="Xuất file").click()
    with page.expect_download() as done:
        page.get_by_role("button", name="Tải về").click()
    saved = tmp_path / done.value.suggested_filename
    done.value.save_as(saved)
    assert saved.suffix == ".xlsx"
    assert load_workbook(saved, read_only=True).sheetnames == ["Báo cáo", "Sổ hộ", "Thông tin xuất"]
    with world.store.session() as s:
        assert s.get(HouseholdUpdate, number).decision == "approved"  # type: ignore[union-attr]
        assert s.get(CitizenQuestion, question).status == "answered"  # type: ignore[union-attr]
    assert "DUYỆT" in " ".join(texts(world.say(COLLABORATOR, "/menu")))
    assert "Thôn họp tối thứ Năm" in " ".join(texts(world.say(CITIZEN, "xin chào")))


def test_every_page_fits_a_phone_screen(live: tuple[World, str, Any]) -> None:
    world, base, browser = live
    page = signed_in(world, base, browser, width=360)
    for path in PAGES:
        page.goto(base + path)
        assert page.locator("h1").count() == 1, path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (path, width)  # wide tables scroll inside their own box
