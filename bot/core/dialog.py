"""A declarative dialog engine with a pure step function.

A dialog is data: steps with a prompt, a parser/validator and a next-step rule. ``advance``
takes the dialog, its JSON state, one input and the time, and returns the new state, the
replies and the effects for the host to apply. It never touches storage, clocks or networks;
what a step needs to know (a village's households, past reports) is put in the answers under
keys starting with "_" when the dialog starts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.base.i18n import Tr
from bot.base.messages import Button, Outgoing

Answers = Mapping[str, Any]
Text = str | Callable[[Answers, Tr], str]  # a translation key, or text made from the answers

CONFIRM = "__confirm__"
BACK, SKIP, YES, NO = "ctl:back", "ctl:skip", "ctl:yes", "ctl:no"


class Invalid(ValueError):
    """An answer that does not fit the step; ``reason`` is a translation key."""

    def __init__(self, reason: str, **kwargs: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kwargs = kwargs


class Doubtful(Invalid):
    """A plausible-but-unusual answer (an outlier): kept only if the user confirms it."""

    def __init__(self, answer: Any, reason: str, **kwargs: object) -> None:
        super().__init__(reason, **kwargs)
        self.answer = answer


@dataclass(frozen=True)
class Choice:
    value: str
    label: str | Mapping[str, str]  # a translation key, a literal, or {vi:, en:} from data
    literal: bool = False

    def text(self, tr: Tr) -> str:
        if isinstance(self.label, Mapping):
            return tr.pick(self.label)
        return self.label if self.literal else tr(self.label)


@dataclass(frozen=True)
class Step:
    key: str
    prompt: Text
    parse: Callable[[str, Answers], Any] | None = None  # typed text -> value, or raise Invalid
    choices: tuple[Choice, ...] = ()
    options: Callable[[Answers], tuple[Choice, ...]] | None = None  # choices from the answers
    next: Callable[[Answers], str | None] | None = None  # None: the following step
    skippable: bool = False  # "I don't know": stores None, never counted as "no"
    skip_label: str = "dialog.skip"

    def choices_for(self, answers: Answers) -> tuple[Choice, ...]:
        return self.options(answers) if self.options else self.choices


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
    summary: Callable[[Answers, Tr], str]
    effects: Callable[[Answers], tuple[Effect, ...]]
    confirm_prompt: str = "dialog.confirm"
    done: str = "dialog.saved"  # "" when the effects' replies say it all
    declined: str = "dialog.not_saved"

    def step(self, key: str) -> Step:
        return next(s for s in self.steps if s.key == key)


@dataclass(frozen=True)
class Result:
    state: dict[str, Any] | None  # None: the dialog is over
    replies: tuple[Outgoing, ...]
    effects: tuple[Effect, ...] = ()


def text(value: Text, answers: Answers, tr: Tr) -> str:
    return tr(value) if isinstance(value, str) else value(answers, tr)


def start(dialog: Dialog, now: datetime, tr: Tr, known: Answers | None = None) -> Result:
    """Begin at the first step; steps already answered in ``known`` are not asked."""
    answers = dict(known or {})
    key: str | None = dialog.steps[0].key
    while key is not None and key in answers:  # follow the next-step rules past known answers
        key = _next_key(dialog, dialog.step(key), answers)
    state = {"dialog": dialog.name, "step": key or CONFIRM, "answers": answers, "history": [],
             "started": now.isoformat(), "updated": now.isoformat()}
    reply = (prompt(dialog, dialog.step(key), answers, tr) if key
             else confirmation(dialog, answers, tr))
    return Result(state, (reply,))


def prompt(dialog: Dialog, step: Step, answers: Answers, tr: Tr) -> Outgoing:
    choices = step.choices_for(answers)
    buttons = [Button(c.text(tr), f"dlg:{c.value}") for c in choices]
    if step.skippable:
        buttons.append(Button(tr(step.skip_label), SKIP))
    if step.key != dialog.steps[0].key:
        buttons.append(Button(tr("dialog.back"), BACK))
    typed = step.parse is not None and not choices
    return Outgoing(text(step.prompt, answers, tr), tuple(buttons), numbered=not typed)


def confirmation(dialog: Dialog, answers: Answers, tr: Tr) -> Outgoing:
    body = dialog.summary(answers, tr) + "\n\n" + tr(dialog.confirm_prompt)
    buttons = (Button(tr("dialog.yes"), YES), Button(tr("dialog.no"), NO),
               Button(tr("dialog.back"), BACK))
    return Outgoing(body, buttons)


def current_prompt(dialog: Dialog, state: Mapping[str, Any], tr: Tr) -> Outgoing:
    if state["step"] == CONFIRM:
        return confirmation(dialog, state["answers"], tr)
    return prompt(dialog, dialog.step(state["step"]), state["answers"], tr)


def expired(state: Mapping[str, Any], now: datetime, timeout: timedelta) -> bool:
    return now - datetime.fromisoformat(state["updated"]) > timeout


def advance(dialog: Dialog, state: dict[str, Any], inp: str, now: datetime, tr: Tr) -> Result:
    """One step of the dialog: the pure heart of every guided form."""
    answers: dict[str, Any] = dict(state["answers"])
    if inp == BACK:
        return _back(dialog, state, now, tr)
    if state["step"] == CONFIRM:
        return _confirm(dialog, state, answers, inp, tr)
    step = dialog.step(state["step"])
    pending = state.get("pending")
    state = {k: v for k, v in state.items() if k != "pending"}
    try:
        if pending is not None and inp in (YES, NO):
            if inp == NO:
                raise Invalid("dialog.enter_again")
            value = pending["value"]
        else:
            value = _parse(step, inp, answers)
    except Doubtful as doubt:
        asked = Outgoing(tr(doubt.reason, **doubt.kwargs),
                         (Button(tr("dialog.keep"), YES), Button(tr("dialog.retype"), NO)))
        return Result({**state, "pending": {"value": doubt.answer}}, (asked,))
    except Invalid as err:
        return Result(state, (Outgoing(tr(err.reason, **err.kwargs)),
                              prompt(dialog, step, answers, tr)))
    return _answered(dialog, state, step, value, now, tr)


def _answered(dialog: Dialog, state: dict[str, Any], step: Step, value: Any, now: datetime,
              tr: Tr) -> Result:
    answers = {**state["answers"], step.key: value}
    following = _next_key(dialog, step, answers)
    new = {**state, "answers": answers, "history": [*state["history"], step.key],
           "updated": now.isoformat(), "step": following or CONFIRM}
    if following is None:
        return Result(new, (confirmation(dialog, answers, tr),))
    return Result(new, (prompt(dialog, dialog.step(following), answers, tr),))


def _next_key(dialog: Dialog, step: Step, answers: Answers) -> str | None:
    if step.next is not None:
        return step.next(answers)
    keys = [s.key for s in dialog.steps]
    index = keys.index(step.key) + 1
    return keys[index] if index < len(keys) else None


def _back(dialog: Dialog, state: dict[str, Any], now: datetime, tr: Tr) -> Result:
    history = list(state["history"])
    if not history:
        return Result(state, (current_prompt(dialog, state, tr),))
    previous = history.pop()
    answers = {k: v for k, v in state["answers"].items() if k != previous}
    new = {**state, "answers": answers, "history": history, "step": previous,
           "updated": now.isoformat()}
    new.pop("pending", None)
    return Result(new, (prompt(dialog, dialog.step(previous), answers, tr),))


def _confirm(dialog: Dialog, state: dict[str, Any], answers: Answers, inp: str,
             tr: Tr) -> Result:
    if inp == YES:
        done = (Outgoing(tr(dialog.done)),) if dialog.done else ()  # "": effects speak
        return Result(None, done, dialog.effects(answers))
    if inp == NO:
        return Result(None, (Outgoing(tr(dialog.declined)),))
    return Result(state, (Outgoing(tr("dialog.choose_button")),
                          confirmation(dialog, answers, tr)))


def _parse(step: Step, inp: str, answers: Answers) -> Any:
    if inp == SKIP:
        if step.skippable:
            return None
        raise Invalid("dialog.cannot_skip")
    if inp.startswith("dlg:"):
        value = inp[4:]
        if any(c.value == value for c in step.choices_for(answers)):
            return value
        raise Invalid("dialog.choose_button")
    if inp.startswith("ctl:"):
        raise Invalid("dialog.choose_button")
    if step.parse is not None:
        return step.parse(inp, answers)
    raise Invalid("dialog.choose_button")
