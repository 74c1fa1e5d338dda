"""Who may do what, where: every command, every action prefix and every dialog-starting
button for every role, and for a collaborator and an officer of another commune (joined
by invite). Refusals are checked word for word, as users see them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.base.i18n import t
from bot.base.messages import Lang, Role
from handlers import build_registry
from tests.security.world import (
    ADMIN,
    CITIZEN,
    COLLABORATOR,
    OFFICER,
    OTHER_COLLABORATOR,
    OTHER_OFFICER,
    ROLE_USERS,
    SIBLING_COLLABORATOR,
    World,
    build_world,
    confirmed,
    is_apology,
    texts,
)

REGISTRY = build_registry()
REFUSED = {  # what users read; also proves the catalog holds the keys
    "command.not_allowed": "Xin lỗi, chức năng này không dành cho tài khoản của bạn. "
                           "Bạn có thể chọn một mục dưới đây.",
    "report.not_yours": "Không tìm thấy báo cáo này trong thôn của bạn.",
    "report.correction_closed": "Báo cáo này không còn sửa được: chỉ sửa được trong kỳ báo cáo "
                                "của nó, và chỉ bởi cộng tác viên của thôn.",
    "report.none_yet": "Bạn chưa gửi báo cáo nào. Gõ /baocao để báo cáo.",
    "approve.not_found": "Không tìm thấy cập nhật này trong địa bàn của bạn.",
    "questions.not_found": "Không tìm thấy câu hỏi này trong địa bàn của bạn.",
    "questions.none": "Không có câu hỏi nào của người dân đang chờ trả lời.",
    "dialog.stale_button": "Lựa chọn này đã hết hiệu lực. Bạn có thể chọn lại từ danh mục bên "
                           "dưới.",
    "dialog.choose_button": "Bạn vui lòng chọn một trong các lựa chọn bên dưới (bấm nút hoặc gõ "
                            "số thứ tự), hoặc gõ /huy để dừng việc đang làm.",
    "invite.used": "Mã mời này đã được dùng. Mỗi mã chỉ dùng được một lần.",
    "invite.expired": "Mã mời đã hết hạn. Bạn xin mã mới từ cán bộ xã nhé.",
    "invite.unknown": "Mã mời không đúng. Bạn kiểm tra lại mã, hoặc xin mã mới từ cán bộ xã.",
    "invite.has_role": "Tài khoản của bạn đã có vai trò khác; mã mời chưa được dùng. Bạn liên hệ "
                       "quản trị viên nếu cần đổi.",
    "link.unknown": "Mã không đúng hoặc đã được dùng. Gõ /lienket ở tài khoản kia để lấy mã mới.",
    "link.expired": "Mã đã hết hạn. Gõ /lienket ở tài khoản kia để lấy mã mới.",
}
EVERYONE = [CITIZEN, COLLABORATOR, OFFICER, ADMIN, OTHER_COLLABORATOR, OTHER_OFFICER,
            SIBLING_COLLABORATOR]
COLLABORATORS = [COLLABORATOR, OTHER_COLLABORATOR, SIBLING_COLLABORATOR]
NOT_OFFICERS = [CITIZEN, *COLLABORATORS]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(Path(tmp_path_factory.mktemp("authorisation")))


def fresh(world: World, user: str) -> None:
    """Nothing in progress: the chat as after /huy."""
    world.say(user, "/huy")


def refused(world: World, user: str, data: str, key: str, pressed: bool = True) -> None:
    """``data`` (a pressed button, or typed) is refused with exactly REFUSED[key]; the chat
    holds no dialog afterwards and nothing anyone confirmed changed."""
    fresh(world, user)
    before = confirmed(world.store)
    replies = world.say(user, callback=data) if pressed else world.say(user, data)
    assert not is_apology(replies), texts(replies)
    assert replies[0].text == REFUSED[key], (user, data, texts(replies))
    assert world.conversation(user)[0] is None
    assert confirmed(world.store) == before


def started(world: World, user: str, data: str, dialog: str) -> None:
    fresh(world, user)
    replies = world.say(user, callback=data)
    assert not is_apology(replies), texts(replies)
    state = world.conversation(user)[0]
    assert state is not None and state["dialog"] == dialog, (user, data, texts(replies))
    fresh(world, user)


def test_refusals_read_as_the_catalog_says() -> None:
    assert {k: t(Lang.VI, k) for k in REFUSED} == REFUSED


# Commands ---------------------------------------------------------------------------------

MATRIX = [(name, role, via) for c in REGISTRY.commands for name in c.names for role in Role
          for via in ("/", "cmd:")]


@pytest.mark.parametrize(("name", "role", "via"), MATRIX,
                         ids=[f"{via}{n}-{r.value}" for n, r, via in MATRIX])
def test_every_command_for_every_role(world: World, name: str, role: Role, via: str) -> None:
    command = REGISTRY.command(name)
    assert command is not None
    user = ROLE_USERS[role]
    if role not in command.roles:
        refused(world, user, f"{via}{name}", "command.not_allowed", pressed=via == "cmd:")
        return
    fresh(world, user)
    replies = world.say(user, f"/{name}") if via == "/" else world.say(user, callback=f"cmd:{name}")
    assert not is_apology(replies), texts(replies)
    assert REFUSED["command.not_allowed"] not in texts(replies)
    fresh(world, user)


def test_a_refused_command_is_not_offered_in_the_menu(world: World) -> None:
    for role, user in ROLE_USERS.items():
        fresh(world, user)
        offered = {b.data for r in world.say(user, "/menu") for b in r.buttons}
        allowed = {f"cmd:{c.name}" for c in REGISTRY.commands if role in c.roles}
        assert offered <= allowed, (role, offered - allowed)


# Action prefixes (button data) -----------------------------------------------------------

# A press by a role the action is not registered for is refused before the journey runs;
# a press by the right role out of its scope is "not found" (an id's existence is not leaked).
OFFICIALS_ = [OFFICER, ADMIN, OTHER_OFFICER]
NOT_COLLABORATORS = [CITIZEN, *OFFICIALS_]
REFUSALS: list[tuple[str, str, str]] = [  # (data, key, users)
    *[("fix:BC-XXXXX", "report.not_yours", u) for u in COLLABORATORS],
    *[("fix:BC-XXXXX", "command.not_allowed", u) for u in NOT_COLLABORATORS],
    *[("fix:{receipt}", "command.not_allowed", u) for u in NOT_COLLABORATORS],
    ("fix:{receipt}", "report.not_yours", OTHER_COLLABORATOR),
    ("fix:{receipt}", "report.not_yours", SIBLING_COLLABORATOR),
    *[("decide:999:approved", "approve.not_found", u) for u in OFFICIALS_],
    *[("decide:999:approved", "command.not_allowed", u) for u in NOT_OFFICERS],
    *[("decide:{update}:approved", "command.not_allowed", u) for u in NOT_OFFICERS],
    *[("decide:{update}:rejected", "command.not_allowed", u) for u in NOT_OFFICERS],
    ("decide:{update}:approved", "approve.not_found", OTHER_OFFICER),
    ("decide:{update}:rejected", "approve.not_found", OTHER_OFFICER),
    ("decide:{other_update}:approved", "approve.not_found", OFFICER),
    ("decide:{update}:pending", "approve.not_found", OFFICER),
    ("decide:{update}:", "approve.not_found", ADMIN),
    *[("nextupd:{update}", "command.not_allowed", u) for u in NOT_OFFICERS],
    *[("answerq:{question}", "command.not_allowed", u) for u in NOT_OFFICERS],
    ("answerq:{question}", "questions.not_found", OTHER_OFFICER),
    *[("answerq:999", "questions.not_found", u) for u in OFFICIALS_],
    *[("answerq:999", "command.not_allowed", u) for u in NOT_OFFICERS],
    *[("nextq:{question}", "command.not_allowed", u) for u in NOT_OFFICERS],
    ("nextq:{question}", "questions.none", OTHER_OFFICER),
    *[("kb:khong-co-muc-nay", "dialog.stale_button", u) for u in EVERYONE],
    *[("topic:khong-co", "dialog.stale_button", u) for u in EVERYONE],
    *[("handoff:{other_draft}", "dialog.stale_button", u) for u in EVERYONE],
    *[("handoff:999999", "dialog.stale_button", u) for u in EVERYONE],
    *[("handoffok:{other_draft}", "dialog.stale_button", u) for u in EVERYONE],
    *[("handoffok:999999", "dialog.stale_button", u) for u in EVERYONE],
    *[("fb:{other_draft}:n:cs-y-te-bhyt", "dialog.stale_button", u) for u in EVERYONE],
    *[("fb:999999:u:cs-y-te-bhyt", "dialog.stale_button", u) for u in EVERYONE],
    *[("dlg:{household}", "dialog.stale_button", u) for u in EVERYONE],
    *[("ctl:yes", "dialog.stale_button", u) for u in EVERYONE],
]


def ids_of(world: World) -> dict[str, object]:
    return {**world.ids, "household": world.ids["households"]["Katơr Văn Minh"][0]}


@pytest.mark.parametrize(("data", "key", "user"), REFUSALS,
                         ids=[f"{d}-{u}" for d, _, u in REFUSALS])
def test_forged_button_data_is_refused(world: World, data: str, key: str, user: str) -> None:
    refused(world, user, data.format(**ids_of(world)), key)


OPEN_ACTIONS = {"selfcheck",  # anyone may start the self-assessment: data only prefills it
                "timxa"}  # the commune finder: public data, looked up by id


def test_every_action_prefix_has_refusal_cases() -> None:
    covered = {data.partition(":")[0] for data, _, _ in REFUSALS}
    assert set(REGISTRY.actions) - OPEN_ACTIONS <= covered


@pytest.mark.parametrize("data", ["selfcheck:x", "selfcheck:-5:999:p", "selfcheck:1500000:0:h",
                                  "selfcheck:99999999999999999999:4:p"])
def test_forged_self_check_data_prefills_nothing_wrong(world: World, data: str) -> None:
    fresh(world, CITIZEN)
    replies = world.say(CITIZEN, callback=data)
    assert not is_apology(replies) and "so với chuẩn nghèo" in replies[0].text
    state = world.conversation(CITIZEN)[0]
    assert state is not None and state["step"] == "area"
    answers = state["answers"]
    assert answers.get("people") in (None, 4) and answers.get("income") in (None,)
    fresh(world, CITIZEN)


@pytest.mark.parametrize("data", ["timxa:x", "timxa:999999", "timxa:1.x", "timxa:-1",
                                  "timxa:99999999999999999999.1", "timxa:."])
def test_forged_finder_data_is_a_stale_button(world: World, data: str) -> None:
    replies = world.say(CITIZEN, callback=data)
    assert not is_apology(replies) and "nay thuộc" not in replies[0].text


@pytest.mark.parametrize(("data", "user", "dialog"), [
    ("fix:{receipt}", COLLABORATOR, "baocao"),
    ("decide:{update}:approved", OFFICER, "duyet"),
    ("decide:{update}:rejected", ADMIN, "duyet"),
    ("decide:{other_update}:approved", OTHER_OFFICER, "duyet"),
    ("decide:{other_update}:rejected", ADMIN, "duyet"),
    ("answerq:{question}", OFFICER, "traloi"),
    ("answerq:{question}", ADMIN, "traloi"),
])
def test_the_rightful_user_may_press(world: World, data: str, user: str, dialog: str) -> None:
    started(world, user, data.format(**ids_of(world)), dialog)
