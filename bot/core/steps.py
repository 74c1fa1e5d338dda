"""What a dialog is made of: steps (a prompt, a parser, choices, a next-step rule), repeat
groups (a list of items asked with the same fields), and the errors a parser raises."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.base.i18n import Tr
from bot.base.messages import Input, Press, Text

Answers = Mapping[str, Any]
Prompt = str | Callable[[Answers, Tr], str]  # a translation key, or text made from the answers
BACK, SKIP, YES, NO = "ctl:back", "ctl:skip", "ctl:yes", "ctl:no"
DETAILS = "ctl:details"  # the confirmation's "see details" button
CHOICE = "dlg:"


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
    prompt: Prompt
    parse: Callable[[str, Answers], Any] | None = None  # typed text -> value, or raise Invalid
    choices: tuple[Choice, ...] = ()
    options: Callable[[Answers], tuple[Choice, ...]] | None = None  # choices from the answers
    next: Callable[[Answers], str | None] | None = None  # None: the following step
    skippable: bool = False  # "I don't know": stores None, never counted as "no"
    skip_label: str | Callable[[Answers], str] = "dialog.skip"  # a key, or one per answers
    take: Callable[[Input, Answers], Any] | None = None  # a photo, voice note or location
    group: Group | None = None  # a repeat group: the answer is a list of items

    def choices_for(self, answers: Answers) -> tuple[Choice, ...]:
        return self.options(answers) if self.options else self.choices


@dataclass(frozen=True)
class Group:
    """A list of items (a household's members) asked with the same fields; the person adds,
    corrects and removes items until done."""

    fields: tuple[Step, ...]
    label: Callable[[Answers, Tr], str]  # one item, as one line of the list
    min_items: int = 1
    max_items: int = 30


def text(value: Prompt, answers: Answers, tr: Tr) -> str:
    return tr(value) if isinstance(value, str) else value(answers, tr)


def parse_input(step: Step, inp: Input, answers: Answers) -> Any:
    if inp == Press(SKIP):
        if step.skippable:
            return None
        raise Invalid("dialog.cannot_skip")
    if isinstance(inp, Press):
        value = inp.data.removeprefix(CHOICE)
        if inp.data.startswith(CHOICE) and any(c.value == value
                                               for c in step.choices_for(answers)):
            return value
        raise Invalid("dialog.choose_button")
    if isinstance(inp, Text) and step.parse is not None:
        return step.parse(inp.text, answers)
    if not isinstance(inp, Text) and step.take is not None:
        return step.take(inp, answers)
    if step.take is not None:
        raise Invalid("dialog.media_expected")
    raise Invalid("dialog.choose_button" if step.choices_for(answers) else "dialog.text_expected")
