"""A declarative dialog engine with a pure step function.

A dialog is data: steps with a prompt, a parser/validator and a next-step rule. ``advance``
takes the dialog, its JSON state, one input and the time, and returns the new state, the
replies and the effects for the host to apply. It never touches storage, clocks or networks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.messages import Button, Outgoing

Answers = Mapping[str, Any]
Translate = Callable[..., str]  # t(key, **kwargs) bound to the user's language

CONFIRM = "__confirm__"
BACK, SKIP, YES, NO = "ctl:back", "ctl:skip", "ctl:yes", "ctl:no"


class Invalid(ValueError):
    """An answer that does not fit the step; ``reason`` is a translation key."""

    def __init__(self, reason: str, **kwargs: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kwargs = kwargs


@dataclass(frozen=True)
class Choice:
    value: str
    label: str  # translation key


@dataclass(frozen=True)
class Step:
    key: str
    prompt: str  # translation key; formatted with prompt_args(answers)
    parse: Callable[[str, Answers], Any] | None = None  # free text -> value, or raise Invalid
    choices: tuple[Choice, ...] = ()
    next: Callable[[Answers], str | None] | None = None  # None: the following step
    skippable: bool = False  # "I don't know": stores None, never counted as "no"
    prompt_args: Callable[[Answers], dict[str, object]] | None = None


@dataclass(frozen=True)
class Effect:
    """Something the host must do when a dialog is confirmed (save a report, ...)."""

    kind: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Dialog:
    name: str
    title: str  # translation key
    steps: tuple[Step, ...]
    summary: Callable[[Answers, Translate], str]
    effects: Callable[[Answers], tuple[Effect, ...]]
    confirm_prompt: str = "dialog.confirm"
    done: str = "dialog.saved"
    declined: str = "dialog.not_saved"

    def step(self, key: str) -> Step:
        return next(s for s in self.steps if s.key == key)


@dataclass(frozen=True)
class Result:
    state: dict[str, Any] | None  # None: the dialog is over
    replies: tuple[Outgoing, ...]
    effects: tuple[Effect, ...] = ()


def start(dialog: Dialog, now: datetime, t: Translate,
          known: Answers | None = None) -> Result:
    """Begin at the first step; steps already answered in ``known`` are not asked."""
    answers = dict(known or {})
    todo = [s for s in dialog.steps if s.key not in answers]
    state = {"dialog": dialog.name, "step": todo[0].key if todo else CONFIRM,
             "answers": answers, "history": [], "started": now.isoformat(),
             "updated": now.isoformat()}
    first = todo[0] if todo else None
    reply = prompt(dialog, first, answers, t) if first else confirmation(dialog, answers, t)
    return Result(state, (reply,))


def prompt(dialog: Dialog, step: Step, answers: Answers, t: Translate) -> Outgoing:
    args = step.prompt_args(answers) if step.prompt_args else {}
    buttons = [Button(t(c.label), f"dlg:{c.value}") for c in step.choices]
    if step.skippable:
        buttons.append(Button(t("dialog.skip"), SKIP))
    if step.key != dialog.steps[0].key:
        buttons.append(Button(t("dialog.back"), BACK))
    typed = step.parse is not None and not step.choices
    return Outgoing(t(step.prompt, **args), tuple(buttons), numbered=not typed)


def expired(state: Mapping[str, Any], now: datetime, timeout: timedelta) -> bool:
    return now - datetime.fromisoformat(state["updated"]) > timeout


def advance(dialog: Dialog, state: dict[str, Any], inp: str, now: datetime,
            t: Translate) -> Result:
    """One step of the dialog: the pure heart of every guided form."""
    answers: dict[str, Any] = dict(state["answers"])
    history: list[str] = list(state["history"])
    if inp == BACK:
        return _back(dialog, state, answers, history, now, t)
    if state["step"] == CONFIRM:
        return _confirm(dialog, state, answers, inp, t)
    step = dialog.step(state["step"])
    try:
        answers[step.key] = _parse(step, inp, answers)
    except Invalid as err:
        again = prompt(dialog, step, answers, t)
        return Result(state, (Outgoing(t(err.reason, **err.kwargs)), again))
    history.append(step.key)
    following = _next_key(dialog, step, answers)
    new = {**state, "answers": answers, "history": history, "updated": now.isoformat(),
           "step": following or CONFIRM}
    if following is None:
        return Result(new, (confirmation(dialog, answers, t),))
    return Result(new, (prompt(dialog, dialog.step(following), answers, t),))


def confirmation(dialog: Dialog, answers: Answers, t: Translate) -> Outgoing:
    text = dialog.summary(answers, t) + "\n\n" + t(dialog.confirm_prompt)
    buttons = (Button(t("dialog.yes"), YES), Button(t("dialog.no"), NO),
               Button(t("dialog.back"), BACK))
    return Outgoing(text, buttons)


def current_prompt(dialog: Dialog, state: Mapping[str, Any], t: Translate) -> Outgoing:
    if state["step"] == CONFIRM:
        return confirmation(dialog, state["answers"], t)
    return prompt(dialog, dialog.step(state["step"]), state["answers"], t)


def _next_key(dialog: Dialog, step: Step, answers: Answers) -> str | None:
    if step.next is not None:
        return step.next(answers)
    keys = [s.key for s in dialog.steps]
    index = keys.index(step.key) + 1
    return keys[index] if index < len(keys) else None


def _back(dialog: Dialog, state: dict[str, Any], answers: dict[str, Any],
          history: list[str], now: datetime, t: Translate) -> Result:
    if not history:
        return Result(state, (current_prompt(dialog, state, t),))
    previous = history.pop()
    answers.pop(previous, None)
    new = {**state, "answers": answers, "history": history, "step": previous,
           "updated": now.isoformat()}
    return Result(new, (prompt(dialog, dialog.step(previous), answers, t),))


def _confirm(dialog: Dialog, state: dict[str, Any], answers: Answers, inp: str,
             t: Translate) -> Result:
    if inp == YES:
        return Result(None, (Outgoing(t(dialog.done)),), dialog.effects(answers))
    if inp == NO:
        return Result(None, (Outgoing(t(dialog.declined)),))
    return Result(state, (Outgoing(t("dialog.choose_button")), confirmation(dialog, answers, t)))


def _parse(step: Step, inp: str, answers: Answers) -> Any:
    if inp == SKIP:
        if step.skippable:
            return None
        raise Invalid("dialog.cannot_skip")
    if inp.startswith("dlg:"):
        value = inp[4:]
        if any(c.value == value for c in step.choices):
            return value
        raise Invalid("dialog.choose_button")
    if inp.startswith("ctl:"):
        raise Invalid("dialog.choose_button")
    if step.parse is not None:
        return step.parse(inp, answers)
    raise Invalid("dialog.choose_button")
