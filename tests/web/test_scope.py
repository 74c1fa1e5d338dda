"""Every route as each role, and as an officer of another commune: the dashboard is for
officers and administrators, each inside their own area's subtree."""

from __future__ import annotations

from typing import Any

import pytest

from bot.web.app import ROUTES
from storage import review, weblogin
from storage.models import CitizenQuestion, HouseholdUpdate
from tests.security.world import (
    CITIZEN,
    COLLABORATOR,
    OFFICER,
    OTHER_OFFICER,
    World,
)
from tests.web.helpers import TestClient, client, csrf, sign_in, text_of, user_id

PAGES = ["/", "/completeness", "/overdue", "/progress", "/approvals", "/households",
         "/questions", "/feedback", "/exports", "/audit"]
PUBLIC = {"signin", "login_form", "login", "static"}  # open to anyone; tested in test_auth
AREA_PAGES = ["/completeness", "/overdue", "/progress", "/approvals", "/households",
              "/exports"]


def forms(world: Any, token: str) -> dict[str, tuple[str, dict[str, str]]]:
    """Every form of the dashboard, aimed at the first commune's records."""
    village = world.area_id("DEMO-22783-1")
    return {
        "decide": (f"/approvals/update/{world.ids['update']}",
                   {"csrf": token, "decision": "approved"}),
        "period": ("/approvals/period", {"csrf": token, "village": str(village),
                                         "period": "2026-03", "action": "approve"}),
        "answer": (f"/questions/{world.ids['question']}/answer",
                   {"csrf": token, "answer": "Họp thôn ngày 15"}),
        "download": ("/exports", {"csrf": token, "area": "22783", "format": "xlsx"}),
        "logout": ("/logout", {"csrf": token}),
    }


def page_names() -> dict[str, str]:
    return {"/": "home", "/completeness": "completeness", "/overdue": "overdue",
            "/progress": "progress", "/approvals": "approvals", "/households": "households",
            "/questions": "questions", "/feedback": "feedback", "/exports": "exports",
            "/audit": "audit"}


class _FakeWorld:
    def __init__(self) -> None:
        self.ids = {"update": 1, "question": 1}

    def area_id(self, code: str) -> int:
        return 1


def test_the_tables_here_cover_every_route() -> None:
    covered = set(page_names().values()) | set(forms(_FakeWorld(), "x")) | PUBLIC
    assert {r.name for r in ROUTES} == covered


def nothing_changed(world: World) -> None:
    village = world.area_id("DEMO-22783-1")
    with world.store.session() as s:
        update = s.get(HouseholdUpdate, world.ids["update"])
        question = s.get(CitizenQuestion, world.ids["question"])
        assert update is not None and update.decision == "pending"
        assert question is not None and question.status == "open"
        assert not review.is_locked(s, village, "2026-03")


def as_someone(world: World, handle: str) -> tuple[TestClient, str]:
    """A live session for someone the chat would never give a link to (as if their role
    had been changed after they signed in)."""
    with world.store.session() as s:
        raw, signed = weblogin.start_session(s, user_id(world, handle), world.clock(), 8)
    browser = client(world)
    browser.cookies.set("giamngheo_session", raw)
    return browser, signed.csrf


def test_nobody_signed_in_sees_the_sign_in_page_everywhere(world: World) -> None:
    browser = client(world)
    for path in PAGES:
        response = browser.get(path, follow_redirects=False)
        assert response.status_code == 401 and "/web" in response.text, path
    for path, data in forms(world, "x").values():
        assert browser.post(path, data=data).status_code == 401, path
    nothing_changed(world)


@pytest.mark.parametrize("handle", [CITIZEN, COLLABORATOR])
def test_citizens_and_collaborators_are_refused_everywhere(world: World, handle: str) -> None:
    browser, token = as_someone(world, handle)
    for path in PAGES:
        assert browser.get(path).status_code == 403, path
    for path, data in forms(world, token).values():
        assert browser.post(path, data=data).status_code == 403, path
    nothing_changed(world)


def test_an_officer_of_another_commune_cannot_ask_for_this_commune(world: World) -> None:
    browser = sign_in(world, OTHER_OFFICER)
    for path in AREA_PAGES:
        for code in ("22783", "DEMO-22783-1", "58"):  # their neighbour, its village, province
            assert browser.get(f"{path}?area={code}").status_code == 403, (path, code)
        assert browser.get(f"{path}?area=22903").status_code == 200, path  # their own


def test_an_officer_of_another_commune_sees_none_of_its_records(world: World) -> None:
    browser = sign_in(world, OTHER_OFFICER)
    pages = {path: text_of(browser.get(path).text) for path in PAGES}
    assert f"Cập nhật số {world.ids['update']}:" not in pages["/approvals"]
    assert f"Cập nhật số {world.ids['other_update']}:" in pages["/approvals"]
    assert "Câu hỏi số" not in pages["/questions"]
    assert "Katơr Văn Minh" not in pages["/households"]
    assert "Thôn Mẫu Một" not in " ".join(pages.values())
    assert "Thôn Mẫu Ven Biển" in pages["/completeness"]


def test_an_officer_of_another_commune_cannot_act_on_its_records(world: World) -> None:
    browser = sign_in(world, OTHER_OFFICER)
    token = csrf(browser)
    for name, (path, data) in forms(world, token).items():
        if name == "logout":
            continue
        expected = 403 if name == "download" else 404  # an area is refused, a record unknown
        assert browser.post(path, data=data).status_code == expected, name
    nothing_changed(world)


def test_the_commune_officer_and_the_administrator_see_this_commune(world: World) -> None:
    for handle in (OFFICER, "admin-demo"):
        browser = sign_in(world, handle)
        for path in AREA_PAGES:
            assert browser.get(f"{path}?area=DEMO-22783-1").status_code == 200, (handle, path)
        assert f"Cập nhật số {world.ids['update']}:" in text_of(browser.get("/approvals").text)
