"""Invites: issued by officers and administrators, single use, expiring, bound to an area."""

from __future__ import annotations

from sqlmodel import select

from bot.base.messages import Role
from storage.lineage import area_for_code
from storage.models import User
from storage.people import create_invite
from tests.test_cli import run
from tests.test_report import talk
from tests.transcript import Transcript


def make_invite(app, clock, role=Role.COLLABORATOR, code="DEMO-22783-2", days=7) -> str:
    with app.store.session() as s:
        area = area_for_code(s, code)
        assert area is not None
        return create_invite(s, role, area.id, None, clock.now, days).code


async def test_officer_invites_and_a_new_person_joins(make_bot, request) -> None:
    officer, script = make_bot("canbo-demo"), Transcript()
    replies = await talk(officer, ["/moi"], script)
    assert [b.label for b in replies[0].buttons][:2] == [
        "Thôn Mẫu Hai (dữ liệu mẫu), Xã Phước Bình", "Thôn Mẫu Một (dữ liệu mẫu), Xã Phước Bình"]
    replies = await talk(officer, ["1", "Đồng ý"], script)
    code = replies[-1].text.split("Mã mời: ")[1].split()[0]
    newcomer = make_bot("newcomer")
    replies = await talk(newcomer, [f"/start {code}"], script)
    script.check("invite-join-vi", request, mask={code: "XXXXXXXX"})
    assert "cộng tác viên giảm nghèo của Thôn Mẫu Hai" in replies[0].text
    replies = await newcomer.say("/baocao")
    assert "Không có thay đổi" in [b.label for b in replies[-1].buttons]


async def test_codes_are_single_use_and_expire(make_bot, app, clock) -> None:
    code = make_invite(app, clock)
    await make_bot("first").say(f"/start {code}")
    replies = await make_bot("second").say(f"/start {code}")
    assert "đã được dùng" in replies[0].text
    late = make_invite(app, clock, days=1)
    clock.advance(days=2)
    replies = await make_bot("third").say(f"/start {late}")
    assert "hết hạn" in replies[0].text
    replies = await make_bot("fourth").say("/start NOTACODE")
    assert "không đúng" in replies[0].text
    with app.store.session() as s:
        roles = {u.role for u in s.exec(select(User)).all() if u.handle is None}
    assert roles == {"citizen", "collaborator"}  # only "first" became a collaborator


async def test_an_officer_is_never_downgraded(make_bot, app, clock) -> None:
    replies = await make_bot("canbo-demo").say(f"/start {make_invite(app, clock)}")
    assert "đã có vai trò khác" in replies[0].text


async def test_citizens_and_collaborators_cannot_invite(make_bot) -> None:
    for user in ["nguoidan-demo", "ctv-demo"]:
        replies = await make_bot(user).say("/moi")
        assert "không dành cho tài khoản của bạn" in replies[0].text


async def test_admin_finds_a_commune_by_name_without_accents(make_bot) -> None:
    admin = make_bot("admin-demo")
    await talk(admin, ["/moi", "Cán bộ phụ trách giảm nghèo"])
    replies = await admin.say("phuoc dinh")
    assert replies[0].buttons[0].label == "Xã Phước Dinh, Tỉnh Khánh Hòa"  # a current unit


def test_cli_invite(tmp_path) -> None:
    done = run(["invite", "--role", "collaborator", "--area", "DEMO-22783-1"], "", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\t")[1].startswith("/start ")
    refused = run(["invite", "--role", "collaborator", "--area", "58"], "", tmp_path)
    assert refused.returncode == 2 and "cannot be bound" in refused.stderr
