"""Signing in to the dashboard as a person would: /web in the chat, open the link, press
the button; then pages and forms through Starlette's test client."""

from __future__ import annotations

import re
import warnings
from urllib.parse import urlparse

from sqlmodel import select

from bot.web.app import create_app
from storage.models import User
from tests.security.world import World

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

LINK = re.compile(r"https?://\S+/login/[A-Za-z0-9_-]+")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def client(world: World) -> TestClient:
    return TestClient(create_app(world.store, clock=world.clock))


def link_for(world: World, user: str) -> str:
    """The path of the sign-in link the chat gives ``user`` for /web."""
    replies = world.say(user, "/web")
    found = LINK.search(" ".join(r.text for r in replies))
    assert found, [r.text for r in replies]
    return urlparse(found.group(0)).path


def sign_in(world: World, user: str, browser: TestClient | None = None) -> TestClient:
    browser = browser or client(world)
    path = link_for(world, user)
    assert browser.get(path).status_code == 200
    done = browser.post(path, follow_redirects=False)
    assert done.status_code == 303, done.text
    return browser


def csrf(browser: TestClient, path: str = "/") -> str:
    found = CSRF.search(browser.get(path).text)
    assert found, "no CSRF token on the page"
    return found.group(1)


def user_id(world: World, handle: str) -> int:
    from storage.models import Identity

    with world.store.session() as s:
        found = s.exec(select(User.id).join(Identity).where(
            Identity.external_id == handle)).first()
        assert found is not None
        return int(found)


def text_of(html: str) -> str:
    """The page's visible text, roughly (tags dropped, spaces squeezed)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
