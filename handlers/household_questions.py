"""The poverty-standard questions, shared by the citizen's self-assessment and the
collaborator's household update: the same steps, the same rules (knowledge.poverty)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from bot.base.i18n import Tr, fmt_money
from bot.core.dialog import Answers, Choice, Step
from handlers.validators import money, whole_number
from knowledge.poverty import (
    Answer,
    AreaType,
    Assessment,
    Designation,
    Profile,
    Standard,
    Status,
    classify,
    income_per_person,
    load_standard,
)

YES_NO = (Choice(Answer.YES.value, "assess.yes"), Choice(Answer.NO.value, "assess.no"))


def standard(on: date | None = None) -> Standard:
    return load_standard(on)


def indicator_key(code: str) -> str:
    return f"q.{code}"


def questions(std: Standard, after: str | None = None) -> tuple[Step, ...]:
    """Area, household size, income, then one plain yes/no question per indicator."""
    first_indicator = indicator_key(std.codes[0])
    steps = [
        Step("area", "assess.area", choices=(Choice(AreaType.RURAL.value, "assess.rural"),
                                             Choice(AreaType.URBAN.value, "assess.urban")),
             skippable=True),
        Step("people", "assess.people", parse=whole_number(1, 50), skippable=True),
        Step("income_mode", "assess.income_mode",
             choices=(Choice("household", "assess.income_household"),
                      Choice("person", "assess.income_person")), skippable=True,
             next=lambda a: "income" if a.get("income_mode") else first_indicator),
        Step("income", _income_prompt, parse=money, skippable=True),
    ]
    total = len(std.codes)
    for number, code in enumerate(std.codes, 1):
        indicator = std.indicator(code)
        last = number == total
        steps.append(Step(indicator_key(code), _question(indicator.question, number, total),
                          choices=YES_NO, skippable=True,
                          next=(lambda a: after) if last else None))
    return tuple(steps)


def _question(question: object, number: int, total: int) -> Callable[[Answers, Tr], str]:
    return lambda answers, tr: f"({number}/{total}) {tr.pick(question)}"


def _income_prompt(answers: Answers, tr: Tr) -> str:
    if answers.get("income_mode") == "household":
        return tr("assess.income_total")
    return tr("assess.income_each")


def profile(answers: Answers, std: Standard) -> Profile:
    area = AreaType(answers["area"]) if answers.get("area") else None
    income = answers.get("income")
    people = answers.get("people") or len(answers.get("members") or ()) or None
    if income is not None and answers.get("income_mode") == "household":
        income = income_per_person(income, people) if people else None
    answered = {c for c in std.codes if answers.get(indicator_key(c)) is not None}
    deprived = {c for c in answered
                if std.indicator(c).is_deprived(answers[indicator_key(c)] == Answer.YES.value)}
    designations = frozenset(Designation(d) for d in answers.get("_designations", ())
                             if d in {x.value for x in Designation})
    return Profile(area, income, frozenset(deprived), frozenset(answered),
                   designations=designations)


def assess(answers: Answers, std: Standard) -> Assessment:
    return classify(profile(answers, std), std)


def explain(result: Assessment, answers: Answers, std: Standard, tr: Tr) -> str:
    """Plain words: the status the answers point to, why, what may help, who decides."""
    lines = [tr("assess.result_title"), tr(f"assess.status.{result.status.value}")]
    prof = profile(answers, std)
    if prof.income_per_person_month is not None and prof.area is not None:
        lines.append(tr("assess.income_line", income=fmt_money(prof.income_per_person_month,
                                                               tr.lang),
                        line=fmt_money(std.income_line[prof.area], tr.lang),
                        area=tr(f"assess.{prof.area.value}").lower()))
    if result.deprived:
        lines.append(tr("assess.deprived", count=result.deprived_count, total=len(std.codes)))
        lines += [f"• {tr.pick(std.indicator(c).name)}: "
                  f"{tr.pick(std.indicator(c).deprived_when)}" for c in result.deprived]
    if result.status is Status.UNKNOWN:
        lines.append(tr("assess.missing", what=", ".join(_missing(result, std, tr))))
    lines += programmes(result, std, tr)
    lines.append(tr("assess.official", reference=std.review_references[0]))
    return "\n".join(lines)


def _missing(result: Assessment, std: Standard, tr: Tr) -> list[str]:
    names = {"area": tr("assess.missing_area"), "income": tr("assess.missing_income")}
    return [names.get(m) or tr.pick(std.indicator(m).name) for m in result.missing]


def programmes(result: Assessment, std: Standard, tr: Tr) -> list[str]:
    if not result.programmes:
        return []
    lines = [tr("assess.programmes")]
    for section_id in result.programmes:
        section = std.section(section_id)
        agency = tr.pick(section.agency) if section.agency else tr("assess.no_agency")
        lines.append(f"• {tr.pick(section.name)} — {agency}")
    return lines


def answers_json(answers: Answers) -> dict[str, Any]:
    """The answers without the context the dialog was started with."""
    return {k: v for k, v in answers.items() if not k.startswith("_")}
