"""Authorisation, continued: areas out of scope, invite and link codes replayed or expired,
and dialogs started by a forged "start over" button."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.base.messages import Role
from storage.models import Invite, LinkCode, User
from storage.people import create_invite
from tests.security.test_authorisation import REFUSED, REGISTRY, fresh, refused
from tests.security.world import (
    COLLABORATOR,
    DA5,
    OFFICER,
    OTHER_COLLABORATOR,
    OTHER_OFFICER,
    ROLE_USERS,
    SIBLING_COLLABORATOR,
    World,
    build_world,
    is_apology,
    texts,
)

FIRST_VILLAGE = "Thôn Mẫu Một"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(Path(tmp_path_factory.mktemp("scope")))


def first_village_names(world: World) -> set[str]:
    village = world.area_id("DEMO-22783-1")
    return {name for name, (_, area) in world.ids["households"].items() if area == village}


@pytest.mark.parametrize("user", [OTHER_COLLABORATOR, SIBLING_COLLABORATOR])
def test_households_of_another_village_cannot_be_found_or_picked(world: World,
                                                                  user: str) -> None:
    fresh(world, user)
    replies = world.talk(user, ["/hogiadinh", "Tìm hộ đã có", "Katơr Văn Minh"])
    shown = {b.label for r in replies for b in r.buttons} | set(texts(replies))
    assert not first_village_names(world) & shown
    katar = world.ids["households"]["Katơr Văn Minh"][0]
    replies = world.say(user, callback=f"dlg:{katar}")
    assert replies[0].text == REFUSED["dialog.choose_button"]
    assert world.conversation(user)[0]["step"] == "pick"  # type: ignore[index]
    fresh(world, user)
    world.talk(user, ["/hogiadinh", "Thêm hộ mới", "Katơr Văn Minh"])
    assert world.conversation(user)[0]["step"] == "event"  # type: ignore[index]  # no "dup"
    fresh(world, user)


def test_reports_of_another_village_are_not_listed(world: World) -> None:
    fresh(world, OTHER_COLLABORATOR)
    replies = world.say(OTHER_COLLABORATOR, "/baocaocuatoi")
    assert replies[0].text == REFUSED["report.none_yet"]


def test_another_communes_officer_sees_only_their_own_work(world: World) -> None:
    fresh(world, OTHER_OFFICER)
    replies = world.say(OTHER_OFFICER, "/duyet")
    data = {b.data for r in replies for b in r.buttons}
    assert f"decide:{world.ids['other_update']}:approved" in data
    assert not any(f":{world.ids['update']}" in d for d in data)
    assert not any(FIRST_VILLAGE in x for x in texts(replies))
    assert world.say(OTHER_OFFICER, "/cauhoi")[0].text == REFUSED["questions.none"]
    replies = world.say(OTHER_OFFICER, callback=f"nextupd:{world.ids['other_update']}")
    assert not any(FIRST_VILLAGE in x for x in texts(replies))
    replies = world.say(OTHER_OFFICER, "/moi")
    labels = [b.label for r in replies for b in r.buttons if b.data.startswith("dlg:")]
    assert labels and not any("Thôn Mẫu Một" in x or "Thôn Mẫu Hai" in x for x in labels)
    fresh(world, OTHER_OFFICER)


def test_another_communes_export_and_overview_hold_none_of_the_first(world: World) -> None:
    fresh(world, OTHER_OFFICER)
    replies = world.say(OTHER_OFFICER, "/xuat csv") + world.say(OTHER_OFFICER, "/tongquan")
    assert not is_apology(replies), texts(replies)
    seen = " ".join(texts(replies))
    for path in [r.document_path for r in replies if r.document_path]:
        with Path(path).open(encoding="utf-8-sig") as fh:
            seen += " ".join(" ".join(row) for row in csv.reader(fh))
    forbidden = first_village_names(world) | {world.ids["receipt"], FIRST_VILLAGE}
    assert not {x for x in forbidden if x in seen}
    own = world.say(OFFICER, "/xuat csv")  # the check can see: the first commune's does
    paths = [r.document_path for r in own if r.document_path]
    assert any(world.ids["receipt"] in Path(p).read_text(encoding="utf-8-sig") for p in paths)


# Invite and link codes ---------------------------------------------------------------------

def role_of(world: World, user: str) -> tuple[str, int | None]:
    from storage.models import Identity

    with world.store.session() as s:
        found = s.exec(select(User).join(Identity).where(
            Identity.channel == "memory", Identity.external_id == user)).one()
        return found.role, found.area_id


def test_invite_codes_are_single_use_expire_and_never_change_a_role(world: World) -> None:
    code = world.invite(Role.COLLABORATOR, "DEMO-22783-2")
    refused(world, OFFICER, f"/start {code}", "invite.has_role", pressed=False)
    assert world.say("inv-first", f"/start {code.lower()}")[0].text.startswith("Chào mừng")
    for user in ["inv-second", "inv-first", OTHER_COLLABORATOR]:
        refused(world, user, f"/start {code}", "invite.used", pressed=False)
    refused(world, "inv-second", f"/start@giamngheo_bot {code}", "invite.used", pressed=False)
    refused(world, "inv-second", f"/start {code}", "invite.used")  # forged button data
    with world.store.session() as s:
        late = create_invite(s, Role.OFFICER, world.area_id("22783"), None,
                             world.clock.now - timedelta(days=8), days=7).code
    refused(world, "inv-third", f"/start {late}", "invite.expired", pressed=False)
    refused(world, "inv-third", "/start NOTACODE", "invite.unknown", pressed=False)
    refused(world, "inv-third", "/start ' OR 1=1 --", "invite.unknown", pressed=False)
    assert role_of(world, "inv-second") == ("citizen", None)
    assert role_of(world, "inv-third") == ("citizen", None)
    assert role_of(world, OFFICER)[0] == "officer"
    with world.store.session() as s:
        assert s.get(Invite, late) is not None and s.get(Invite, late).used_at is None  # type: ignore[union-attr]


def test_link_codes_are_single_use_and_expire(world: World) -> None:
    issued = world.say("link-a", "/lienket")[0].text
    code = issued.split("Mã liên kết của bạn: ")[1].split()[0]
    assert world.say("link-b", f"/lienket {code}")[0].text.startswith("Đã liên kết")
    refused(world, "link-c", f"/lienket {code}", "link.unknown", pressed=False)
    again = world.say("link-d", "/lienket")[0].text.split("Mã liên kết của bạn: ")[1].split()[0]
    with world.store.session() as s:
        row = s.get(LinkCode, again)
        assert row is not None
        row.expires_at = world.clock.now - timedelta(minutes=1)
        s.add(row)
    refused(world, "link-e", f"/lienket {again}", "link.expired", pressed=False)


# "Start over" buttons --------------------------------------------------------------------

RESTARTS = [(d, r) for d in sorted(REGISTRY.dialogs) for r in Role]
def starter(dialog: str) -> tuple[Role, ...]:
    command = next((c for c in REGISTRY.commands if c.dialog == dialog), None)
    return tuple(command.roles) if command else ()


@pytest.mark.parametrize(("dialog", "role"), RESTARTS, ids=[f"{d}-{r.value}" for d, r in RESTARTS])
def test_a_forged_start_over_button(world: World, dialog: str, role: Role) -> None:
    """Allowed: the same start as the command gives. Otherwise refused, nothing started."""
    user = ROLE_USERS[role]
    command = next((c for c in REGISTRY.commands if c.dialog == dialog), None)
    if role not in starter(dialog):
        key = "command.not_allowed" if command else "dialog.stale_button"
        refused(world, user, f"resume:restart:{dialog}", key)
        return
    assert command is not None
    fresh(world, user)
    world.say(user, f"/{command.name}")
    expected = world.conversation(user)[0]
    fresh(world, user)
    replies = world.say(user, callback=f"resume:restart:{dialog}")
    assert not is_apology(replies), texts(replies)
    got = world.conversation(user)[0]
    assert got is not None and expected is not None
    assert got["answers"] == expected["answers"]
    fresh(world, user)


def test_start_over_keeps_the_collaborators_village(world: World) -> None:
    fresh(world, COLLABORATOR)
    world.talk(COLLABORATOR, ["/baocao", DA5, "/baocao"])  # the village reported DA5 already
    replies = world.talk(COLLABORATOR, ["Bắt đầu lại", DA5, "3", "2", "Bỏ qua", "Bỏ qua",
                                        "Đồng ý"])
    assert "Mã biên nhận" in replies[-1].text
