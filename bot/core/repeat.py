"""Repeat groups (pure): a list of items asked with the same fields — add one, correct one,
remove one, until done. The list is the step's answer; the item being entered or corrected
waits under ``EDITING`` in the answers ({"index": n or None, "draft": {...}})."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.base.i18n import Tr
from bot.base.messages import Button, Input, Outgoing, Press
from bot.core.steps import BACK, CHOICE, SKIP, Answers, Group, Invalid, Step, parse_input, text

EDITING = "_editing"
ADD, DONE, EDIT, DROP = "+add", "+done", "+edit:", "+drop:"


def items_of(step: Step, answers: Answers) -> list[dict[str, Any]]:
    return [dict(item) for item in answers.get(step.key) or []]


def prompt(step: Step, answers: Answers, tr: Tr, back: bool) -> Outgoing:
    """The list with its buttons, or the question of the field being entered."""
    group = _group(step)
    editing = answers.get(EDITING)
    if editing:
        return _field_prompt(group, editing, answers, tr)
    items = items_of(step, answers)
    lines = [text(step.prompt, answers, tr)]
    lines += [f"{i}. {group.label(item, tr)}" for i, item in enumerate(items, 1)]
    if not items:
        lines.append(tr("group.empty"))
    buttons = [Button(tr("group.add"), CHOICE + ADD)] if len(items) < group.max_items else []
    for i in range(1, len(items) + 1):
        buttons += [Button(tr("group.edit", number=i), f"{CHOICE}{EDIT}{i}"),
                    Button(tr("group.drop", number=i), f"{CHOICE}{DROP}{i}")]
    if len(items) >= group.min_items:
        buttons.append(Button(tr("group.done", count=len(items)), CHOICE + DONE))
    if back:
        buttons.append(Button(tr("dialog.back"), BACK))
    return Outgoing("\n".join(lines), tuple(buttons))


def _field_prompt(group: Group, editing: Mapping[str, Any], answers: Answers,
                  tr: Tr) -> Outgoing:
    field = _current(group, editing)
    choices = field.choices_for(answers)
    buttons = [Button(c.text(tr), f"{CHOICE}{c.value}") for c in choices]
    question = text(field.prompt, answers, tr)
    was = editing.get("was") or {}
    if field.key in was:  # correcting: the old value stays unless changed
        shown = next((c.text(tr) for c in choices if c.value == was[field.key]), None)
        question += "\n" + tr("group.now", value=shown or was[field.key])
        buttons.append(Button(tr("group.keep"), SKIP))
    buttons.append(Button(tr("group.cancel_item"), BACK))
    return Outgoing(question, tuple(buttons), numbered=bool(choices) or field.parse is None)


def advance(step: Step, answers: Answers, inp: Input,
            tr: Tr) -> tuple[dict[str, Any], list[Outgoing], list[dict[str, Any]] | None]:
    """(new answers, replies, the finished list or None while the group goes on)."""
    group, now = _group(step), dict(answers)
    editing = now.get(EDITING)
    if editing:
        return _enter(step, group, now, dict(editing), inp, tr)
    items = items_of(step, now)
    data = inp.data.removeprefix(CHOICE) if isinstance(inp, Press) else ""
    if data == DONE and len(items) >= group.min_items:
        now.pop(EDITING, None)
        return now, [], items
    if data == ADD and len(items) < group.max_items:
        now[EDITING] = {"index": None, "draft": {}}
        return now, [prompt(step, now, tr, False)], None
    number = _number(data, len(items))
    if number is not None and data.startswith(EDIT):
        now[EDITING] = {"index": number - 1, "draft": {}, "was": items[number - 1]}
        return now, [prompt(step, now, tr, False)], None
    if number is not None and data.startswith(DROP):
        gone = items.pop(number - 1)
        now[step.key] = items
        said = Outgoing(tr("group.dropped", item=group.label(gone, tr)))
        return now, [said, prompt(step, now, tr, True)], None
    return now, [Outgoing(tr("dialog.choose_button")), prompt(step, now, tr, True)], None


def _enter(step: Step, group: Group, answers: dict[str, Any], editing: dict[str, Any],
           inp: Input, tr: Tr) -> tuple[dict[str, Any], list[Outgoing], None]:
    """One answer to the field being entered; the item is saved after its last field."""
    if inp == Press(BACK):  # the item is dropped, the list is as it was
        answers.pop(EDITING, None)
        return answers, [prompt(step, answers, tr, True)], None
    field = _current(group, editing)
    was = editing.get("was") or {}
    try:
        if inp == Press(SKIP) and field.key in was:
            value = was[field.key]
        else:
            value = parse_input(field, inp, {**answers, **editing["draft"]})
    except Invalid as err:
        return answers, [Outgoing(tr(err.reason, **err.kwargs)),
                         _field_prompt(group, editing, answers, tr)], None
    editing["draft"] = {**editing["draft"], field.key: value}
    if len(editing["draft"]) < len(group.fields):
        answers[EDITING] = editing
        return answers, [_field_prompt(group, editing, answers, tr)], None
    items = items_of(step, answers)
    if editing["index"] is None:
        items.append(editing["draft"])
    else:
        items[editing["index"]] = editing["draft"]
    answers[step.key] = items
    answers.pop(EDITING, None)
    return answers, [prompt(step, answers, tr, True)], None


def _current(group: Group, editing: Mapping[str, Any]) -> Step:
    return next(f for f in group.fields if f.key not in editing["draft"])


def _number(data: str, count: int) -> int | None:
    digits = data.removeprefix(EDIT).removeprefix(DROP)
    if data.startswith((EDIT, DROP)) and digits.isascii() and digits.isdigit():
        number = int(digits)
        return number if 1 <= number <= count else None
    return None


def _group(step: Step) -> Group:
    assert step.group is not None
    return step.group
