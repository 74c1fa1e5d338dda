"""Signing in without passwords: the chat's single-use link, sessions, CSRF, headers."""

from __future__ import annotations

from sqlmodel import select

from bot.base.i18n import t
from bot.base.messages import Lang
from bot.base.settings import Settings
from bot.web.app import create_app
from storage import weblogin
from storage.models import User
from tests.security.world import ADMIN, CITIZEN, COLLABORATOR, OFFICER, World
from tests.web.helpers import TestClient, client, csrf, link_for, sign_in, text_of, user_id


def test_the_chat_gives_officers_a_link_that_signs_in_once(world: World) -> None:
    replies = world.say(OFFICER, "/web")
    assert "10 phút" in replies[0].text and "một lần" in replies[0].text
    path = link_for(world, OFFICER)
    browser = client(world)
    assert browser.get(path).status_code == 200  # a link preview does not use it up
    assert browser.get(path).status_code == 200
    assert browser.post(path, follow_redirects=False).status_code == 303
    assert "Tổng quan: Xã Bác Ái Tây" in text_of(browser.get("/").text)
    again = client(world).post(path, follow_redirects=False)
    assert again.status_code == 400 and "đã được dùng" in again.text


def test_a_link_is_valid_for_ten_minutes(world: World) -> None:
    path = link_for(world, ADMIN)
    world.clock.advance(minutes=10, seconds=1)
    browser = client(world)
    assert browser.get(path).status_code == 400
    assert browser.post(path, follow_redirects=False).status_code == 400
    assert browser.get("/", follow_redirects=False).status_code == 401


def test_collaborators_and_citizens_get_no_link(world: World) -> None:
    for user in (CITIZEN, COLLABORATOR):
        replies = world.say(user, "/web")
        assert replies[0].text == t(Lang.VI, "command.not_allowed")


def test_the_session_cookie_is_httponly_samesite_and_expires(world: World) -> None:
    path = link_for(world, OFFICER)
    done = client(world).post(path, follow_redirects=False)
    cookie = done.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "max-age=28800" in cookie
    assert "secure" not in cookie  # served over plain HTTP on loopback by default
    secure = TestClient(create_app(world.store, clock=world.clock,
                                   settings=Settings(web_base_url="https://web.example.vn")))
    cookie = secure.post(link_for(world, OFFICER), follow_redirects=False).headers["set-cookie"]
    assert "secure" in cookie.lower()


def test_a_session_ends_after_eight_hours(world: World) -> None:
    browser = sign_in(world, OFFICER)
    world.clock.advance(hours=7, minutes=59)
    assert browser.get("/").status_code == 200
    world.clock.advance(minutes=2)
    page = browser.get("/", follow_redirects=False)
    assert page.status_code == 401 and "/web" in page.text


def test_signing_out_ends_the_session_for_good(world: World) -> None:
    browser = sign_in(world, OFFICER)
    cookie = browser.cookies.get("giamngheo_session")
    assert browser.post("/logout", data={"csrf": csrf(browser)}).status_code == 200
    stolen = client(world)
    stolen.cookies.set("giamngheo_session", cookie or "")
    assert stolen.get("/", follow_redirects=False).status_code == 401


def test_forms_without_the_csrf_token_are_refused_and_change_nothing(world: World) -> None:
    browser = sign_in(world, OFFICER)
    update, question = world.ids["update"], world.ids["question"]
    for token in (None, "", "forged", "x" * 43):
        data = {"decision": "approved"} | ({"csrf": token} if token is not None else {})
        assert browser.post(f"/approvals/update/{update}", data=data).status_code == 403
        answer = {"answer": "Họp ngày 15"} | ({"csrf": token} if token is not None else {})
        assert browser.post(f"/questions/{question}/answer", data=answer).status_code == 403
        assert browser.post("/logout", data={"csrf": token or ""}).status_code == 403
    page = text_of(browser.get("/approvals").text)
    assert f"Cập nhật số {update}" in page  # still waiting
    assert f"Câu hỏi số {question}" in text_of(browser.get("/questions").text)


def test_another_sessions_csrf_token_does_not_pass(world: World) -> None:
    mine, theirs = sign_in(world, OFFICER), sign_in(world, ADMIN)
    response = mine.post(f"/approvals/update/{world.ids['update']}",
                         data={"decision": "approved", "csrf": csrf(theirs)})
    assert response.status_code == 403


def test_pages_carry_strict_security_headers(world: World) -> None:
    browser = sign_in(world, OFFICER)
    headers = browser.get("/").headers
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "script-src" not in headers["content-security-policy"]  # no script at all
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"
    assert headers["x-frame-options"] == "DENY"


def test_only_hashes_of_links_and_sessions_are_stored(world: World) -> None:
    path = link_for(world, OFFICER)
    token = path.rsplit("/", 1)[1]
    browser = client(world)
    browser.post(path, follow_redirects=False)
    cookie = browser.cookies.get("giamngheo_session") or ""
    with world.store.session() as s:
        links = [w.token_hash for w in s.exec(select(weblogin.WebLink)).all()]
        sessions = [w.id_hash for w in s.exec(select(weblogin.WebSession)).all()]
    assert token not in links and weblogin.digest(token) in links
    assert cookie not in sessions and weblogin.digest(cookie) in sessions


def test_a_demoted_officer_is_refused_at_once(world: World) -> None:
    browser = sign_in(world, OFFICER)
    with world.store.session() as s:
        person = s.get(User, user_id(world, OFFICER))
        assert person is not None
        person.role = "citizen"
        s.add(person)
    assert browser.get("/").status_code == 403
