"""/hogiadinh: a collaborator records a household event for their village's register.

Find a household by name (fuzzy, accents optional) or add one (a likely duplicate is shown
first), record the event and the poverty-standard questions; the update waits for an
officer's approval before it changes the register. No ID numbers are asked or stored."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import Row

from bot.base.i18n import Tr
from bot.base.messages import Input, Outgoing, Text
from bot.core.context import Context
from bot.core.dialog import Answers, Choice, Dialog, Effect, Group, Invalid, Step
from bot.core.router import COLLABORATORS, Command, Journey
from bot.core.steps import text
from bot.core.text import closest, fold
from handlers.household_questions import (
    answers_json,
    assess,
    explain,
    questions,
    standard_of,
    year_context,
    year_step,
)
from handlers.mydata import needs_notice, notice
from handlers.report import village_path
from handlers.validators import whole_number
from storage import fieldwork, personal
from storage.personal import Purpose
from storage.repo import designations_of

NAME = "hogiadinh"
NEW = "new"
EVENTS = ("newly_poor", "relapsed", "escaped", "newly_near_poor", "moved", "members_changed")


def matches(answers: Answers, limit: int = 5) -> list[list[Any]]:
    """Households of the village whose head's name is close to what was typed."""
    return closest(answers.get("name", ""), answers.get("_households", []), limit, 75)


def _match_choices(answers: Answers) -> tuple[Choice, ...]:
    found = tuple(Choice(str(hid), name, literal=True) for hid, name in matches(answers))
    return (*found, Choice(NEW, "household.none_of_these" if found else "household.add"))


def _dup_choices(answers: Answers) -> tuple[Choice, ...]:
    found = tuple(Choice(str(hid), name, literal=True) for hid, name in matches(answers))
    return (*found, Choice(NEW, "household.really_new"))


def _name(text: str, answers: Answers) -> str:
    letters = sum(ch.isalpha() for ch in text)
    if letters < 2 or len(text) > 120 or any(ch.isdigit() for ch in text):
        raise Invalid("household.bad_name")
    return " ".join(text.split())


def _after_name(answers: Answers) -> str:
    if answers["mode"] == "find":
        return "pick"
    return "dup" if matches(answers) else "event"


def build() -> Dialog:
    steps = (
        Step("mode", "household.mode", choices=(Choice("find", "household.find"),
                                                Choice(NEW, "household.add"))),
        Step("name", _name_prompt, parse=_name, next=_after_name),
        Step("pick", _pick_prompt, options=_match_choices, next=lambda a: "event"),
        Step("dup", "household.dup", options=_dup_choices, next=lambda a: "event"),
        Step("event", "household.event",
             choices=tuple(Choice(e, f"household.event.{e}") for e in EVENTS),
             next=lambda a: None if a["event"] == "moved" else "members"),
        MEMBERS,
        year_step("household.year"),  # in the review season: for this year or next year
        *(_to_reporter(s) for s in questions()[2:]),  # the village says rural or urban,
    )                                                    # the members its size

    def summary(answers: Answers, tr: Tr) -> str:
        return _summary(answers, tr)

    def effects(answers: Answers) -> tuple[Effect, ...]:
        result = assess(answers) if answers["event"] != "moved" else None
        return (Effect("household_update", {
            "household_id": target_id(answers), "village": answers["_village"],
            "name": answers["name"], "event": answers["event"],
            "status": result.status.value if result else None, "standard": standard_of(answers).id,
            "answers": answers_json(answers)}),)

    return Dialog(NAME, "household.title", steps, summary, effects,
                  done="household.submitted", context=year_context)


REPORTER = "household.q"  # the collaborator is asked about "this household", not "yours"


def _to_reporter(step: Step) -> Step:
    prompt = step.prompt
    return replace(step, prompt=lambda a, tr: text(prompt, a, tr.speaking_as(REPORTER)))


def _member_name(text: str, answers: Answers) -> str:
    letters = sum(ch.isalpha() for ch in text)
    if letters < 1 or len(text) > 60 or any(ch.isdigit() for ch in text):
        raise Invalid("household.bad_member_name")
    return " ".join(text.split())


RELATIONS = ("head", "spouse", "child", "parent", "grandchild", "other")


def _member_line(item: Answers, tr: Tr) -> str:
    return tr("household.member_line", name=item["name"],
              relation=tr(f"household.relation.{item['relation']}"), born=item["born"])


MEMBERS = Step("members", "household.members", group=Group(
    fields=(Step("name", "household.member_name", parse=_member_name),
            Step("relation", "household.member_relation",
                 choices=tuple(Choice(r, f"household.relation.{r}") for r in RELATIONS)),
            Step("born", "household.member_born", parse=whole_number(1900, 2100))),
    label=_member_line, min_items=1, max_items=30))


def _name_prompt(answers: Answers, tr: Tr) -> str:
    return tr("household.name_find" if answers.get("mode") == "find" else "household.name_new")


def _pick_prompt(answers: Answers, tr: Tr) -> str:
    return tr("household.pick" if matches(answers) else "household.no_match",
              name=answers.get("name", ""))


def target_id(answers: Answers) -> int | None:
    """The existing household chosen in "pick" or "dup", or None for a new one."""
    chosen = answers.get("pick") or answers.get("dup")
    return int(chosen) if chosen and chosen != NEW else None


def _summary(answers: Answers, tr: Tr) -> str:
    hid = target_id(answers)
    who = (dict(answers["_households"])[hid] if hid is not None
           else tr("household.new_named", name=answers["name"]))
    lines = [tr("household.summary_title", who=who, village=answers["_village_name"]),
             tr("household.summary_event", event=tr(f"household.event.{answers['event']}"))]
    if answers["event"] != "moved":
        lines.append(explain(answers, tr.speaking_as(REPORTER)))
    lines.append(tr("household.needs_approval"))
    if answers.get("_notice"):  # the first household this collaborator records
        lines.append("\n" + notice(tr, Purpose.HOUSEHOLD))
    return "\n".join(lines)


def area_type(path: list[Row[Any]]) -> str:
    """Wards (phường) and towns (thị trấn) are urban; communes (xã) are rural."""
    name = fold(path[1].name if len(path) > 1 else "")
    return "urban" if name.startswith(("phuong", "thi tran")) else "rural"


def start(ctx: Context, args: str) -> list[Outgoing]:
    path = village_path(ctx)
    if not path:
        return [Outgoing(ctx.t("report.no_village"))]
    village = path[0]
    known = {"_village": village.id, "_village_name": village.name,
             "area": area_type(path), "_designations": designations_of(path),
             "_notice": needs_notice(ctx, Purpose.HOUSEHOLD)}
    return ctx.start_dialog(NAME, known)


def candidates(ctx: Context, answers: Answers, typed: Input) -> Answers:
    """Before the name is read: the village's households close to it (only these are kept
    in the dialog's state, not the whole register)."""
    if not isinstance(typed, Text):
        return {}
    names = fieldwork.village_households(ctx.conn, answers["_village"])
    return {"_households": closest(" ".join(typed.text.split()), names, 5, 75)}


def save(ctx: Context, effect: Effect) -> list[Outgoing]:
    personal.accept(ctx.session, ctx.user_id, Purpose.HOUSEHOLD, ctx.now)
    data = effect.data
    number = fieldwork.propose_update(
        ctx.conn, household_id=data["household_id"], area_id=data["village"],
        event=data["event"], status=data["status"], standard_id=data["standard"],
        submitted_by=ctx.user_id, submitted_at=ctx.moment,
        data={"name": data["name"], "answers": data["answers"]})
    return [Outgoing(ctx.t("household.queued", number=number),
                     ctx.registry.menu(ctx.role, ctx.t))]


JOURNEY = Journey(
    commands=(Command(("hogiadinh", "household"), start, COLLABORATORS, "menu.household",
                      "help.household", dialog=NAME),),
    dialog=build, effects={"household_update": save}, lookups={"name": candidates})
