"""/lienket: one person, one identity across Telegram and Zalo (through the real app)."""

from __future__ import annotations

import re

from sqlmodel import func, select

from bot.base.messages import ConversationKey, Incoming, Text
from bot.core.app import App
from storage.delivery import CODE_ALPHABET
from storage.models import Identity, MessageLog, User
from tests.conftest import FakeClock

TERMINAL_CTV = ConversationKey("terminal", "ctv-demo", "ctv-demo")
ZALO = ConversationKey("zalo", "z-1", "z-1")
TELEGRAM = ConversationKey("telegram", "4242", "4242")


def say(app: App, key: ConversationKey, text: str) -> str:
    return app.handle(Incoming(key, Text(text)))[0].text


def code_of(text: str) -> str:
    found = re.search(r"\b([A-Z0-9]{6})\b", text)
    assert found, text
    return found.group(1)


def owner(app: App, key: ConversationKey) -> User:
    with app.store.session() as s:
        return s.exec(select(User).join(Identity).where(
            Identity.channel == key.channel, Identity.external_id == key.user_id)).one()


def test_a_code_from_the_terminal_binds_a_zalo_account(app: App) -> None:
    code = code_of(say(app, TERMINAL_CTV, "/lienket"))
    assert len(code) == 6 and set(code) <= set(CODE_ALPHABET)
    say(app, ZALO, "xin chào")  # a new Zalo account starts as a citizen with some history
    assert say(app, ZALO, f"/lienket {code.lower()}").startswith("Đã liên kết")
    ctv = owner(app, TERMINAL_CTV)
    assert owner(app, ZALO).id == ctv.id and ctv.role == "collaborator"
    assert say(app, ZALO, "/start").startswith("Xin chào cộng tác viên")
    with app.store.session() as s:  # the Zalo account's history came along
        logs = s.exec(select(func.count()).select_from(MessageLog).where(
            MessageLog.channel == "zalo", MessageLog.user_id != ctv.id)).one()
    assert logs == 0


def test_either_side_may_issue_and_the_role_is_kept(app: App) -> None:
    code = code_of(say(app, TELEGRAM, "/link"))  # the new account issues the code ...
    assert say(app, TERMINAL_CTV, f"/lienket {code}").startswith("Đã liên kết")
    assert owner(app, TELEGRAM).role == "collaborator"  # ... the collaborator is kept
    assert owner(app, TELEGRAM).id == owner(app, TERMINAL_CTV).id


def test_codes_expire_and_are_single_use(app: App, clock: FakeClock) -> None:
    code = code_of(say(app, TERMINAL_CTV, "/lienket"))
    clock.advance(minutes=11)
    assert "hết hạn" in say(app, ZALO, f"/lienket {code}")
    code = code_of(say(app, TERMINAL_CTV, "/lienket"))
    assert say(app, ZALO, f"/lienket {code}").startswith("Đã liên kết")
    assert "không đúng" in say(app, TELEGRAM, f"/lienket {code}")
    assert "không đúng" in say(app, TELEGRAM, "/lienket ZZZZZZ")


def test_two_roles_are_not_merged_and_linking_twice_is_harmless(app: App) -> None:
    officer = ConversationKey("terminal", "canbo-demo", "canbo-demo")
    code = code_of(say(app, officer, "/lienket"))
    assert "liên hệ cán bộ quản trị" in say(app, TERMINAL_CTV, f"/lienket {code}")
    assert owner(app, TERMINAL_CTV).role == "collaborator"
    code = code_of(say(app, TERMINAL_CTV, "/lienket"))
    say(app, ZALO, f"/lienket {code}")
    code = code_of(say(app, ZALO, "/lienket"))
    assert "đã được liên kết" in say(app, TERMINAL_CTV, f"/lienket {code}")


def test_a_new_code_withdraws_the_old_one(app: App) -> None:
    old = code_of(say(app, TERMINAL_CTV, "/lienket"))
    new = code_of(say(app, TERMINAL_CTV, "/lienket"))
    assert "không đúng" in say(app, ZALO, f"/lienket {old}") or old == new
    assert say(app, ZALO, f"/lienket {new}").startswith("Đã liên kết")
