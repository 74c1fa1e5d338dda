"""Hostile and arbitrary input for the property tests, and the walks that bring users to
every dialog step before it is fired."""

from __future__ import annotations

from dataclasses import dataclass
from operator import add, mul

from hypothesis import strategies as st

from bot.base.messages import ConversationKey, Incoming, Input, Location, Photo, Press, Text
from handlers import build_registry
from tests.security.world import (
    ADMIN,
    CHANNEL,
    CITIZEN,
    COLLABORATOR,
    DA5,
    NO_DEPRIVATION,
    OFFICER,
    OTHER_COLLABORATOR,
    OTHER_OFFICER,
)
from tests.test_household import members

REGISTRY = build_registry()
SQL = ["'; DROP TABLE user; --", "1 OR 1=1", "\" OR \"\"=\"", "1; DELETE FROM report",
       "Robert'); DROP TABLE householdupdate;--", "%' UNION SELECT * FROM identity --"]
SPECIAL = [
    "", " ", "\n\t", "\x00", "\x00\x07\x1b[31m", "\u202e\u200b\ufeff", "😀🙏🏽👨‍👩‍👧", "İ", "ǅ",
    "dlg:", "dlg:new", "dlg:999", "dlg:find", "dlg:-1", "ctl:", "ctl:back", "ctl:skip",
    "ctl:yes", "ctl:no", "ctl:nope", "fix:", "fix:BC-XXXXX", "fix:bc-", "decide:1:approved",
    "decide:999:rejected", "decide:1:", "decide::approved", "nextupd:1", "answerq:1",
    "nextq:0", "kb:x", "topic:x", "handoff:1", "handoff:0", "/start XYZ", "/start", "/start ",
    "/start XYZ ABC", "/", "//", "/ ", "/huy", "/menu", "/start@other_bot", "cmd:", "cmd:huy",
    "resume:", "resume:continue", "resume:restart:", "resume:restart:nothing", "photo:",
    "photo:x", "loc:", "loc:1,2", "loc:91,200", "loc:nan,nan", "1", "0", "-1", "99", "1.5",
    "１", "٣", "1e9", "9" * 30, "Đồng ý", "dong y", "Không", "Quay lại", "Bỏ qua",
]
ACTIONS = sorted(REGISTRY.actions)
# Prefixes that reach the dialog, the router or a command. Action ids ("decide:", "fix:", ...)
# are fired with realistic numbers here and fuzzed in full by test_forged_action_data: an
# action runs before the dialog is consulted, so the dialog step adds nothing there.
DIALOG_PREFIXES = sorted({"dlg:", "ctl:", "cmd:", "resume:", "resume:restart:", "photo:", "loc:",
                          "/", "/start ", "dlg:-", "ctl:yes"}
                         | {f"/{n} " for c in REGISTRY.commands for n in c.names})
NOT_ACTIONS = [x for x in SPECIAL + SQL if x.partition(":")[0] not in REGISTRY.actions]
PREFIXES = sorted(set(DIALOG_PREFIXES) | {f"{a}:" for a in ACTIONS} | {"fix:BC-", "decide:1:"})

controls = st.text(st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Co"]),
                   max_size=40)
emoji = st.text(st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), max_size=20)
long_text = st.builds(mul, st.text(min_size=1, max_size=6), st.integers(100, 1700))
texts = st.one_of(
    st.text(max_size=200),
    controls,
    emoji,
    long_text,
    st.sampled_from(SPECIAL + SQL),
    st.builds(add, st.sampled_from(DIALOG_PREFIXES), st.text(max_size=40)),
    st.builds(lambda p, n: f"{p}{n}", st.sampled_from(PREFIXES), st.integers(-5, 10**6)),
    st.builds(add, st.sampled_from(NOT_ACTIONS), st.text(max_size=20)),
)


@dataclass(frozen=True)
class Fired:
    """One arbitrary update: typed text, a (possibly forged) button press, a photo or a place."""

    text: str = ""
    callback: str | None = None
    photo: str | None = None
    location: tuple[float, float] | None = None

    def incoming(self, user: str) -> Incoming:
        content: Input = (Press(self.callback) if self.callback is not None
                          else Photo((self.photo,), self.text) if self.photo is not None
                          else Location(*self.location) if self.location else Text(self.text))
        return Incoming(ConversationKey(CHANNEL, user, user), content)


coords = st.floats(allow_nan=True, allow_infinity=True)
fired = st.one_of(
    texts.map(lambda s: Fired(text=s)),
    texts.map(lambda s: Fired(callback=s)),
    st.tuples(st.text(max_size=80), texts).map(lambda p: Fired(text=p[1], photo=p[0])),
    st.tuples(coords, coords).map(lambda c: Fired(location=c)),
)

# Walks: (user, inputs). A state is recorded after each input; inputs are text, or
# ("cb", data) for a button press (data may name {update}, {question}, {receipt}),
# ("photo", id) or ("loc", lat, lon). No walk confirms anything.
Step = str | tuple[str, ...]
WALKS: dict[str, tuple[str, list[Step]]] = {
    "report": (COLLABORATOR, ["/baocao", DA5, "300", "Nhập lại", "3", "2", "mong da xong",
                              ("photo", "AgACAgUAAx-photo-1"), ("loc", "11.5621", "108.9883"),
                              "/baocao"]),
    "report-nochange": (COLLABORATOR, ["/baocao", "Không có thay đổi"]),
    "report-correction": (COLLABORATOR, [("cb", "fix:{receipt}")]),
    "household-find": (COLLABORATOR, ["/hogiadinh", "Tìm hộ đã có", "kator van mihn",
                                      "Katơr Văn Minh", "Thoát nghèo", *members(4),
                                      "Cả nhà mỗi tháng",
                                      "8 triệu", *NO_DEPRIVATION]),
    "household-new": (COLLABORATOR, ["/hogiadinh", "Thêm hộ mới", "Nguyen Thi Lann",
                                     "Không, đây là hộ mới", "Chuyển đi nơi khác"]),
    "household-nomatch": (COLLABORATOR, ["/hogiadinh", "Tìm hộ đã có", "Zyx Qwv"]),
    "selfassess": (CITIZEN, ["/tudanhgia", "1", "4", "1", "8 triệu", *NO_DEPRIVATION]),
    "approve": (OFFICER, [("cb", "decide:{update}:approved"), "Hộ đã có việc làm ổn định"]),
    "reject": (OFFICER, [("cb", "decide:{update}:rejected"), "Chưa xác minh thu nhập"]),
    "answer": (OFFICER, [("cb", "answerq:{question}"), "Họp thôn vào tối thứ Sáu"]),
    "invite-officer": (OFFICER, ["/moi", "1"]),
    "invite-admin": (ADMIN, ["/moi", "Cán bộ phụ trách giảm nghèo", "phuoc dinh", "1"]),
}
WALKED = {"baocao", "hogiadinh", "tudanhgia", "duyet", "traloi", "moi"}
# Other dialogs that a command starts are walked by pressing their first choice or typing.
OTHERS = sorted(c.dialog for c in REGISTRY.commands if c.dialog and c.dialog not in WALKED)
IDLE = [CITIZEN, COLLABORATOR, OFFICER, ADMIN, OTHER_COLLABORATOR, OTHER_OFFICER, "nguoi-moi"]
STATES = [(name, i) for name, (_, steps) in WALKS.items() for i in range(1, len(steps) + 1)]


def as_fired(step: Step, ids: dict[str, object]) -> Fired:
    if isinstance(step, str):
        return Fired(text=step)
    kind, *args = step
    if kind == "cb":
        return Fired(callback=args[0].format(**ids))
    if kind == "photo":
        return Fired(photo=args[0])
    return Fired(location=(float(args[0]), float(args[1])))
