"""A shared demo world for the security tests: the real app over SQLite, the demo users, a
second commune's collaborator and officer (joined by invite), and work waiting in both.

Helpers talk to ``App.handle`` the way the memory channel does, read and restore a chat's
durable state, and take snapshots of everything a user confirmed (to prove nothing changed).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from bot.base.i18n import t
from bot.base.messages import (
    ConversationKey,
    Incoming,
    Input,
    Lang,
    Location,
    Outgoing,
    Photo,
    Press,
    Role,
    Text,
)
from bot.core.app import App
from handlers import build_registry
from storage.lineage import area_for_code
from storage.models import (
    CitizenQuestion,
    Conversation,
    Household,
    HouseholdUpdate,
    Identity,
    Invite,
    Report,
    ReportVersion,
    SavedAssessment,
    User,
)
from storage.people import create_invite
from storage.repo import Store
from tests.conftest import FakeClock
from tests.test_household import members

CHANNEL = "memory"
APOLOGY = "Xin lỗi, hệ thống vừa gặp sự cố"
BUSY = t(Lang.VI, "error.busy")
NO_DEPRIVATION = ["2"] * 12  # the 12 questions of 07/2021 (test clock: 2026); "Có" = deprived
DA5 = "Dự án 5: Hỗ trợ nhà ở hộ nghèo, cận nghèo ở huyện nghèo"

# Who plays which role. The second commune (22903) has its own collaborator and officer.
CITIZEN, COLLABORATOR, OFFICER, ADMIN = "nguoidan-demo", "ctv-demo", "canbo-demo", "admin-demo"
ROLE_USERS = {Role.CITIZEN: CITIZEN, Role.COLLABORATOR: COLLABORATOR, Role.OFFICER: OFFICER,
              Role.ADMIN: ADMIN}
OTHER_COLLABORATOR, OTHER_OFFICER = "ctv-venbien", "canbo-venbien"
SIBLING_COLLABORATOR = "ctv-mauhai"  # same commune as ctv-demo, the other village


@dataclass
class World:
    store: Store
    app: App
    clock: FakeClock
    ids: dict[str, Any] = field(default_factory=dict)

    def say(self, user: str, text: str = "", callback: str | None = None,
            photo: str | None = None, location: Location | None = None) -> list[Outgoing]:
        key = ConversationKey(CHANNEL, user, user)
        content: Input = (Press(callback) if callback is not None
                          else Photo((photo,), text) if photo is not None
                          else location if location is not None else Text(text))
        return self.app.handle(Incoming(key, content))

    def talk(self, user: str, lines: list[str]) -> list[Outgoing]:
        replies: list[Outgoing] = []
        for line in lines:
            replies = self.say(user, line)
            assert not is_apology(replies), (line, texts(replies))
        return replies

    def press(self, user: str, replies: list[Outgoing], label: str) -> list[Outgoing]:
        data = next(b.data for r in replies for b in r.buttons if b.label == label)
        return self.say(user, callback=data)

    def conversation(self, user: str) -> tuple[dict[str, Any] | None, list[list[Any]]]:
        with self.store.session() as s:
            conv = _conv(s, user)
            return (conv.dialog, conv.buttons) if conv else (None, [])

    def restore(self, user: str, dialog: dict[str, Any] | None, buttons: list[list[Any]]) -> None:
        """Put a chat back where it was (as if the user had walked there again)."""
        with self.store.session() as s:
            conv = _conv(s, user)
            assert conv is not None
            conv.dialog, conv.buttons = dialog, buttons
            s.add(conv)
            person = s.exec(select(User).join(Identity).where(
                Identity.channel == CHANNEL, Identity.external_id == user)).one()
            person.language, person.muted = Lang.VI.value, False  # "/lang en" is arbitrary too
            s.add(person)

    def area_id(self, code: str) -> int:
        with self.store.session() as s:
            area = area_for_code(s, code)
            found = area.id if area else None
            assert found is not None
            return found

    def invite(self, role: Role, code: str, days: int = 7) -> str:
        with self.store.session() as s:
            return create_invite(s, role, self.area_id(code), None, self.clock.now, days).code


class Collect(logging.Handler):
    """Every record that reaches the root logger, formatted with its traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def text(self) -> str:
        return "\n".join(self.format(r) for r in self.records)

    def problems(self) -> list[str]:
        found = [self.format(r) for r in self.records]
        return [f for f in found if "unexpected error" in f or "database is locked" in f]


def _conv(session: Session, user: str) -> Conversation | None:
    return session.exec(select(Conversation).where(
        Conversation.channel == CHANNEL, Conversation.chat_id == user,
        Conversation.external_user_id == user)).first()


def texts(replies: list[Outgoing]) -> list[str]:
    return [r.text for r in replies]


def is_apology(replies: list[Outgoing]) -> bool:
    return any(APOLOGY in r.text or BUSY in r.text for r in replies)


CONFIRMED = (Report, ReportVersion, HouseholdUpdate, SavedAssessment, Household, Invite)


def confirmed(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Every row (all columns) of the tables that hold what users confirmed, plus answered
    citizen questions. Compared before and after an input to prove nothing changed."""
    with store.session() as s:
        snap = {m.__name__: [row.model_dump() for row in s.exec(select(m)).all()]
                for m in CONFIRMED}
        answered = s.exec(select(CitizenQuestion).where(CitizenQuestion.status == "answered"))
        snap["answered"] = [q.model_dump() for q in answered.all()]
    for rows in snap.values():
        rows.sort(key=lambda r: str(r.get("id") or r.get("code")))
    return snap


def build_world(tmp: Path) -> World:
    store = Store.open(f"sqlite:///{tmp / 'security.db'}")
    clock = FakeClock()
    world = World(store, App(store, build_registry(), clock=clock), clock)
    for user, role, code in [(OTHER_COLLABORATOR, Role.COLLABORATOR, "DEMO-22903-1"),
                             (OTHER_OFFICER, Role.OFFICER, "22903"),
                             (SIBLING_COLLABORATOR, Role.COLLABORATOR, "DEMO-22783-2")]:
        replies = world.say(user, f"/start {world.invite(role, code)}")
        assert replies[0].text.startswith("Chào mừng"), texts(replies)
    _work(world)
    return world


def _work(world: World) -> None:
    """A report, a pending household update and an open question in each commune."""
    done = world.talk(COLLABORATOR, ["/baocao", DA5, "3", "2", "Bỏ qua", "Bỏ qua", "Đồng ý"])
    world.ids["receipt"] = done[-1].text.split("Mã biên nhận: ")[1].split()[0].rstrip(".,")
    world.ids["update"] = _household_update(world, COLLABORATOR, "kator van mihn")
    world.ids["other_update"] = _household_update(world, OTHER_COLLABORATOR, "Ya Thị Hạnh")
    asked = world.say(CITIZEN, "cho tôi hỏi lịch họp thôn tháng này")
    notice = world.press(CITIZEN, asked, "Chuyển câu hỏi cho cán bộ")
    world.press(CITIZEN, notice, "Đồng ý chuyển câu hỏi")
    with world.store.session() as s:
        questions = s.exec(select(CitizenQuestion).where(CitizenQuestion.status == "open"))
        world.ids["question"] = questions.one().id
        world.ids["households"] = {h.head_name: (h.id, h.area_id)
                                   for h in s.exec(select(Household)).all()}
    draft = world.say("nguoidan-khac", "zzzz xyz qwv")  # another citizen's draft question
    world.ids["other_draft"] = next(b.data for b in draft[0].buttons
                                    if b.data.startswith("handoff:")).split(":")[1]


def _household_update(world: World, user: str, name: str) -> int:
    replies = world.talk(user, ["/hogiadinh", "Thêm hộ mới", name])
    if any(b.label == "Không, đây là hộ mới" for r in replies for b in r.buttons):
        world.press(user, replies, "Không, đây là hộ mới")
    world.talk(user, ["Mới rơi vào nghèo", *members(3), "Mỗi người mỗi tháng", "900 nghìn",
                      *NO_DEPRIVATION, "Đồng ý"])
    with world.store.session() as s:
        update = s.exec(select(HouseholdUpdate).order_by(HouseholdUpdate.id.desc())  # type: ignore[union-attr]
                        ).first()
        assert update is not None and update.id is not None
        return update.id
