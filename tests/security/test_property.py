"""Property tests: arbitrary input at every dialog step, the router and the knowledge search.

Users are walked to each step once (module fixture); before every example their chat is put
back there. Whatever arrives, the app must answer politely (never the apology of an
unexpected error, never an empty message) and nothing anyone confirmed may change unless
the input was exactly a press of "Đồng ý" at a confirmation.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.base.messages import Press, Role, Text
from bot.core.dialog import CONFIRM, YES
from bot.core.router import resolve
from bot.core.text import MAX_INPUT, clean_input
from handlers.kbase import kb
from tests.security.inputs import (
    ACTIONS,
    IDLE,
    OTHERS,
    REGISTRY,
    STATES,
    WALKS,
    Fired,
    as_fired,
    fired,
    texts,
)
from tests.security.world import (
    OFFICER,
    ROLE_USERS,
    Collect,
    World,
    build_world,
    confirmed,
    is_apology,
)
from tests.security.world import texts as bodies

FUZZ = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
Snapshot = tuple[str, dict[str, Any] | None, list[list[Any]]]


@pytest.fixture(scope="module")
def logs() -> Iterator[Collect]:
    handler, root, app_log = Collect(), logging.getLogger(), logging.getLogger("giamngheo")
    root.addHandler(handler)
    level = app_log.level
    app_log.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    app_log.setLevel(level)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(Path(tmp_path_factory.mktemp("property")))


@pytest.fixture(scope="module")
def states(world: World) -> dict[tuple[str, int], Snapshot]:
    """Walk every journey once, keeping the chat's durable state after each input."""
    found: dict[tuple[str, int], Snapshot] = {}
    for name, (user, steps) in WALKS.items():
        for i, step in enumerate(steps, 1):
            replies = world.app.handle(as_fired(step, world.ids).incoming(user))
            assert not is_apology(replies), (name, i, bodies(replies))
            found[(name, i)] = (user, *world.conversation(user))
        world.say(user, "/huy")
    for user in IDLE:
        world.say(user, "/start")
        found[("idle", IDLE.index(user))] = (user, *world.conversation(user))
    return found


@pytest.fixture(scope="module")
def others(world: World) -> dict[str, list[Snapshot]]:
    """Dialogs added since these walks were written: press the first choice or type text."""
    found: dict[str, list[Snapshot]] = {}
    for dialog in OTHERS:
        command = next(c for c in REGISTRY.commands if c.dialog == dialog)
        user = next(ROLE_USERS[r] for r in (Role.OFFICER, Role.ADMIN, Role.COLLABORATOR,
                                              Role.CITIZEN) if r in command.roles)
        world.say(user, "/huy")
        world.restore(user, None, [])  # whatever earlier examples left behind
        replies, found[dialog] = world.say(user, f"/{command.name}"), []
        for _ in range(30):
            state = world.conversation(user)
            if state[0] is None or state[0].get("dialog") != dialog:
                break
            found[dialog].append((user, *state))
            if state[0]["step"] == CONFIRM:
                break
            choice = next((b.data for r in replies for b in r.buttons
                           if b.data.startswith("dlg:")), None)
            replies = world.say(user, callback=choice) if choice else world.say(
                user, "Thôn họp lúc 8 giờ sáng Chủ nhật tại nhà văn hóa, 12 người")
        world.say(user, "/huy")
    return found


def is_confirmation(snap: Snapshot, inp: Fired) -> bool:
    """Exactly a press of the confirmation button (or its number or label typed; its data
    typed as text is text, never a press)."""
    _, dialog, buttons = snap
    if dialog is None or dialog.get("step") != CONFIRM or inp.photo or inp.location:
        return False
    if inp.callback is not None:
        return inp.callback == YES
    if len(inp.text) > MAX_INPUT:
        return False
    return resolve(Text(clean_input(inp.text)), buttons) == Press(YES)


def check(world: World, logs: Collect, snap: Snapshot, inp: Fired) -> None:
    user, dialog, buttons = snap
    world.restore(user, dialog, buttons)
    before = confirmed(world.store)
    logs.records.clear()
    replies = world.app.handle(inp.incoming(user))
    assert any(r.text.strip() for r in replies), f"no reply with text: {bodies(replies)}"
    assert all(r.text.strip() or r.document_path or r.image_path for r in replies), \
        f"an empty message: {bodies(replies)}"
    assert not is_apology(replies), f"unexpected error for {inp!r}"
    assert logs.problems() == []
    if not is_confirmation(snap, inp):
        assert confirmed(world.store) == before, f"{inp!r} changed confirmed data"


@pytest.mark.parametrize("state", STATES, ids=[f"{n}-{i}" for n, i in STATES])
def test_any_input_at_any_dialog_step(world: World, states: dict[tuple[str, int], Snapshot],
                                      logs: Collect, state: tuple[str, int]) -> None:
    snap = states[state]

    @FUZZ
    @given(inp=fired)
    @example(inp=Fired(text="ctl:yes"))
    @example(inp=Fired(callback="ctl:no"))
    @example(inp=Fired(text="x" * (MAX_INPUT + 1)))
    def run(inp: Fired) -> None:
        check(world, logs, snap, inp)

    run()


@pytest.mark.parametrize("dialog", OTHERS)
def test_any_input_in_other_dialogs(world: World, others: dict[str, list[Snapshot]],
                                    logs: Collect, dialog: str) -> None:
    assert others[dialog], f"/{dialog} did not start its dialog"

    @FUZZ
    @given(snap=st.sampled_from(others[dialog]), inp=fired)
    def run(snap: Snapshot, inp: Fired) -> None:
        check(world, logs, snap, inp)

    run()


@pytest.mark.parametrize("user", range(len(IDLE)), ids=IDLE)
def test_any_input_outside_a_dialog(world: World, states: dict[tuple[str, int], Snapshot],
                                    logs: Collect, user: int) -> None:
    snap = states[("idle", user)]

    @FUZZ
    @given(inp=fired)
    def run(inp: Fired) -> None:
        check(world, logs, snap, inp)

    run()


forged_ids = st.one_of(
    st.text(max_size=30),
    st.integers().map(str),
    st.text(st.characters(categories=["Nd", "Nl", "No"]), min_size=1, max_size=4),
    st.builds(lambda n, d: f"{n}:{d}", st.integers(), st.sampled_from(
        ["approved", "rejected", "pending", "", "x"])),
    st.builds(lambda a, b: f"{a}{b}", st.integers(0, 10), texts),
)


@pytest.mark.parametrize("action", ACTIONS)
def test_forged_action_data(world: World, states: dict[tuple[str, int], Snapshot],
                            logs: Collect, action: str) -> None:
    """Any data after an action prefix, pressed or typed, by anyone, idle or mid-dialog."""
    snaps = [states[("idle", i)] for i in range(len(IDLE))]
    snaps += [states[("household-find", 9)], states[("approve", 2)]]
    officer = states[("idle", IDLE.index(OFFICER))]

    @FUZZ
    @given(snap=st.sampled_from(snaps), arg=forged_ids, pressed=st.booleans())
    @example(snap=officer, arg="²", pressed=True)
    @example(snap=officer, arg="99999999999999999999", pressed=True)
    def run(snap: Snapshot, arg: str, pressed: bool) -> None:
        data = f"{action}:{arg}"
        check(world, logs, snap, Fired(callback=data) if pressed else Fired(text=data))

    run()


def test_a_confirmation_press_is_recognised(world: World, states: dict[tuple[str, int],
                                                                        Snapshot]) -> None:
    """The oracle's exception is narrow: at a confirmation, only "Đồng ý" counts."""
    snap = states[("selfassess", len(WALKS["selfassess"][1]))]
    assert snap[1] is not None and snap[1]["step"] == CONFIRM
    assert is_confirmation(snap, Fired(text="Đồng ý")) and is_confirmation(snap, Fired(text="1"))
    assert not is_confirmation(snap, Fired(text="2"))
    assert not is_confirmation(states[("selfassess", 3)], Fired(text="1"))


shown = st.lists(st.tuples(texts, texts, st.booleans()).map(list), max_size=8)


@settings(max_examples=300, deadline=None)
@given(text=texts, callback=st.none() | texts, buttons=shown)
def test_router_resolves_to_the_input_or_a_shown_button(text: str, callback: str | None,
                                                        buttons: list[list[Any]]) -> None:
    """A press stays that press; typed text stays text unless it is a shown button's number
    or label (then it is that button's press): never a press of data nobody was shown."""
    if callback is not None:
        assert resolve(Press(callback), buttons) == Press(callback)
        return
    value = resolve(Text(clean_input(text)), buttons)
    assert value == Text(clean_input(text)) or value in [Press(b[1]) for b in buttons]


@settings(max_examples=100, deadline=None)
@given(text=texts, k=st.integers(-2, 25))
def test_knowledge_search_never_fails(text: str, k: int) -> None:
    base = kb()
    result = base.search(text, k=k)
    assert len(result.answers) <= max(k, 0)
    scores = [a.score for a in result.answers]
    assert all(math.isfinite(s) for s in scores) and scores == sorted(scores, reverse=True)
    assert all(a.section in base.sections for a in result.answers)
    assert len({a.section for a in result.answers}) == len(result.answers)
    assert not result.confident or result.answers or k <= 0

