"""A declarative dialog engine with a pure step function.

A dialog is data: steps with a prompt, a parser/validator and a next-step rule. ``advance``
takes the dialog, its state, one typed input and the time, and returns the new state, the
replies and the effects for the host to apply. It never touches storage, clocks or networks;
what a step needs to know (a village's households, past reports) is put in the answers under
keys starting with "_" when the dialog starts, or by a lookup before the step reads its input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from bot.base.i18n import Tr
from bot.base.messages import Button, Input, Outgoing, Press
from bot.core import repeat
from bot.core.state import CONFIRM, DialogState, revision_of
from bot.core.steps import (
    BACK,
    CHOICE,
    DETAILS,
    NO,
    SKIP,
    YES,
    Answers,
    Choice,
    Doubtful,
    Group,
    Invalid,
    Prompt,
    Step,
    parse_input,
    text,
)

__all__ = ["CONFIRM", "YES", "Answers", "Choice", "Dialog", "DialogState", "Doubtful", "Effect",
           "Group", "Invalid", "Prompt", "Result", "Step", "advance", "start"]


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
    # A short summary may keep the rest behind a "see details" button on the confirmation.
    details: Callable[[Answers, Tr], str] | None = None
    # False: the first question asked has no "back" even when steps before it were skipped.
    back_at_start: bool = True
    # Context every start adds under the known answers (the year the form began in, ...), so
    # that a form started again after it changed (``refit``) has it too.
    context: Callable[[datetime], Answers] | None = None

    def step(self, key: str) -> Step:
        return next(s for s in self.steps if s.key == key)

    @cached_property
    def revision(self) -> str:
        """Changes when a step or a fixed choice is added, removed or renamed (in code or in
        the data it is built from), so that a saved state of an older form is noticed."""
        return revision_of(self.name, [(s.key, [c.value for c in s.choices],
                                        [f.key for f in s.group.fields] if s.group else [])
                                       for s in self.steps])

    def has(self, key: str) -> bool:
        return any(s.key == key for s in self.steps)


@dataclass(frozen=True)
class Result:
    state: DialogState | None  # None: the dialog is over
    replies: tuple[Outgoing, ...]
    effects: tuple[Effect, ...] = ()


def start(dialog: Dialog, now: datetime, tr: Tr, known: Answers | None = None) -> Result:
    """Begin at the first step; steps already answered in ``known`` are not asked."""
    answers = {**(dialog.context(now) if dialog.context else {}), **(known or {})}
    key: str | None = dialog.steps[0].key if dialog.steps else None  # none: confirm only
    key = _unanswered(dialog, key, answers)
    state = DialogState(dialog.name, key or CONFIRM, answers, (), now, now, dialog.revision)
    back = None if dialog.back_at_start else False
    reply = (prompt(dialog, dialog.step(key), answers, tr, back=back) if key
             else confirmation(dialog, answers, tr))
    return Result(state, (reply,))


def refit(dialog: Dialog, state: DialogState | None, now: datetime, tr: Tr) -> Result:
    """A saved state of an older form (a step renamed or removed): start again, keeping the
    answers whose steps still exist (and whose fixed choices still offer them)."""
    kept: dict[str, Any] = {}
    for key, value in (state.answers if state else {}).items():
        if key == repeat.EDITING:
            continue  # an item half entered: its fields may have changed
        if key.startswith("_") or (dialog.has(key) and _still_fits(dialog.step(key), value)):
            kept[key] = value
    started = start(dialog, now, tr, kept)
    return Result(started.state, (Outgoing(tr("dialog.changed")), *started.replies))


def _still_fits(step: Step, value: Any) -> bool:
    return not step.choices or value is None or any(c.value == value for c in step.choices)


def prompt(dialog: Dialog, step: Step, answers: Answers, tr: Tr,
           back: bool | None = None) -> Outgoing:
    """The step's question and buttons; "back" where there is a step to go back to (by
    default: any step but the first; a dialog's first question asked has none)."""
    back = step.key != dialog.steps[0].key if back is None else back
    if step.group is not None:
        return repeat.prompt(step, answers, tr, back=back)
    choices = step.choices_for(answers)
    buttons = [Button(c.text(tr), f"{CHOICE}{c.value}") for c in choices]
    if step.skippable:
        label = step.skip_label if isinstance(step.skip_label, str) else step.skip_label(answers)
        buttons.append(Button(tr(label), SKIP))
    if back:
        buttons.append(Button(tr("dialog.back"), BACK))
    typed = step.parse is not None and not choices
    return Outgoing(text(step.prompt, answers, tr), tuple(buttons), numbered=not typed)


def confirmation(dialog: Dialog, answers: Answers, tr: Tr, detailed: bool = False) -> Outgoing:
    """The summary (or, when asked, the details) and the yes / no / back buttons."""
    shown = dialog.details if detailed and dialog.details else dialog.summary
    body = shown(answers, tr) + "\n\n" + tr(dialog.confirm_prompt)
    more = (Button(tr("dialog.details"), DETAILS),) if dialog.details and not detailed else ()
    buttons = (Button(tr("dialog.yes"), YES), Button(tr("dialog.no"), NO), *more,
               Button(tr("dialog.back"), BACK))
    return Outgoing(body, buttons)


def current_prompt(dialog: Dialog, state: DialogState, tr: Tr) -> Outgoing:
    if state.step == CONFIRM:
        return confirmation(dialog, state.answers, tr)
    return prompt(dialog, dialog.step(state.step), state.answers, tr)


def expired(state: DialogState, now: datetime, timeout: timedelta) -> bool:
    return now - state.updated > timeout


def fits(dialog: Dialog, state: DialogState) -> bool:
    """The state was made by this revision of the form and stands at one of its steps."""
    return state.revision == dialog.revision and (state.step == CONFIRM
                                                  or dialog.has(state.step))


def advance(dialog: Dialog, state: DialogState, inp: Input, now: datetime, tr: Tr) -> Result:
    """One step of the dialog: the pure heart of every guided form."""
    if state.step != CONFIRM and dialog.step(state.step).group is not None:
        return _group(dialog, state, dialog.step(state.step), inp, now, tr)
    if inp == Press(BACK):
        return _back(dialog, state, now, tr)
    if state.step == CONFIRM:
        return _confirm(dialog, state, inp, tr)
    step = dialog.step(state.step)
    pending, state = state.pending, replace(state, pending=None)
    try:
        if pending is not None and inp in (Press(YES), Press(NO)):
            if inp == Press(NO):
                raise Invalid("dialog.enter_again")
            value = pending["value"]
        else:
            value = parse_input(step, inp, state.answers)
    except Doubtful as doubt:
        asked = Outgoing(tr(doubt.reason, **doubt.kwargs),
                         (Button(tr("dialog.keep"), YES), Button(tr("dialog.retype"), NO)))
        return Result(replace(state, pending={"value": doubt.answer}), (asked,))
    except Invalid as err:
        return Result(state, (Outgoing(tr(err.reason, **err.kwargs)),
                              prompt(dialog, step, state.answers, tr)))
    return _answered(dialog, state, step, value, now, tr)


def _group(dialog: Dialog, state: DialogState, step: Step, inp: Input, now: datetime,
           tr: Tr) -> Result:
    """A repeat group's own buttons; "back" from its list leaves it (the list is kept)."""
    if inp == Press(BACK) and repeat.EDITING not in state.answers:
        return _back(dialog, state, now, tr)
    answers, replies, done = repeat.advance(step, state.answers, inp, tr)
    if done is not None:
        return _answered(dialog, replace(state, answers=answers), step, done, now, tr)
    return Result(replace(state, answers=answers, updated=now), tuple(replies))


def _answered(dialog: Dialog, state: DialogState, step: Step, value: Any, now: datetime,
              tr: Tr) -> Result:
    answers = {**state.answers, step.key: value}
    following = _unanswered(dialog, _next_key(dialog, step, answers), answers)
    new = replace(state, answers=answers, history=(*state.history, step.key), updated=now,
                  step=following or CONFIRM)
    if following is None:
        return Result(new, (confirmation(dialog, answers, tr),))
    return Result(new, (prompt(dialog, dialog.step(following), answers, tr),))


def _unanswered(dialog: Dialog, key: str | None, answers: Answers) -> str | None:
    """``key``, or the first step after it not answered yet: what the person said already
    (known when the dialog began, say from their first message) is not asked again."""
    while key is not None and key in answers:
        key = _next_key(dialog, dialog.step(key), answers)
    return key


def _next_key(dialog: Dialog, step: Step, answers: Answers) -> str | None:
    if step.next is not None:
        return step.next(answers)
    keys = [s.key for s in dialog.steps]
    index = keys.index(step.key) + 1
    return keys[index] if index < len(keys) else None


def _back(dialog: Dialog, state: DialogState, now: datetime, tr: Tr) -> Result:
    if not state.history:
        return Result(state, (current_prompt(dialog, state, tr),))
    previous = state.history[-1]
    keep = dialog.step(previous).group is not None  # back to a list: its items stay
    answers = {k: v for k, v in state.answers.items() if k != previous or keep}
    new = replace(state, answers=answers, history=state.history[:-1], step=previous,
                  updated=now, pending=None)
    back = True if new.history else (None if dialog.back_at_start else False)
    return Result(new, (prompt(dialog, dialog.step(previous), answers, tr, back=back),))


def _confirm(dialog: Dialog, state: DialogState, inp: Input, tr: Tr) -> Result:
    if inp == Press(YES):
        done = (Outgoing(tr(dialog.done)),) if dialog.done else ()  # "": effects speak
        return Result(None, done, dialog.effects(state.answers))
    if inp == Press(NO):
        return Result(None, (Outgoing(tr(dialog.declined)),))
    if inp == Press(DETAILS) and dialog.details is not None:
        return Result(state, (confirmation(dialog, state.answers, tr, detailed=True),))
    return Result(state, (Outgoing(tr("dialog.choose_button")),
                          confirmation(dialog, state.answers, tr)))
