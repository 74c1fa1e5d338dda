"""The poverty-standard questions, shared by the citizen's self-assessment and the
collaborator's household update: the same steps, the same rules (knowledge.poverty).

The rule set is the standard of the review year (``review_year``): the year the dialog began
in (``_year_now``, from the clock), or the next one when the person chose it in the autumn
review season. The steps hold the indicators of every standard; each dialog asks only those of
its own standard, numbered within it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any

from bot.base.clock import local
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
    load_standards,
    standard_for_year,
)
from knowledge.poverty_standard import review_years

YES_NO = (Choice(Answer.YES.value, "assess.yes"), Choice(Answer.NO.value, "assess.no"))
YEAR_NOW = "_year_now"  # the year the dialog began in (the clock's, local time)
YEAR = "year"  # "this" or "next": asked in the review season only
NEXT_YEAR = "next"


def indicator_key(code: str) -> str:
    return f"q.{code}"


def year_context(now: datetime) -> Answers:
    """What every start of these dialogs knows (a form started again after it changed too):
    the year it begins in (local time) and, out of the review season, that this year's
    standard applies, so the year is not asked."""
    today = local(now).date()
    return {YEAR_NOW: today.year, **({} if len(review_years(today)) > 1 else {YEAR: "this"})}


def review_year(answers: Answers) -> int | None:
    now = answers.get(YEAR_NOW)
    if not isinstance(now, int):
        return None
    return now + 1 if answers.get(YEAR) == NEXT_YEAR else now


def standard_of(answers: Answers) -> Standard:
    """The standard of the answers' review year (every start sets it: ``year_context``; the
    latest standard for answers without one, e.g. a test's)."""
    year = review_year(answers)
    return load_standard() if year is None else standard_for_year(year)


@cache
def all_codes() -> tuple[str, ...]:
    """Every standard's indicator codes, each standard's order kept (a new code follows the
    code before it in its own standard)."""
    merged: list[str] = []
    for std in load_standards():
        for n, code in enumerate(std.codes):
            if code not in merged:
                merged.insert(merged.index(std.codes[n - 1]) + 1 if n else 0, code)
    return tuple(merged)


def questions(after: str | None = None, ask_year: bool = False) -> tuple[Step, ...]:
    """(The review year,) area, household size, income, then one plain yes/no question per
    indicator of the review year's standard."""
    steps = [year_step("assess.year")] if ask_year else []
    steps += [
        Step("area", _area_prompt, choices=(Choice(AreaType.RURAL.value, "assess.rural"),
                                            Choice(AreaType.URBAN.value, "assess.urban")),
             skippable=True),
        Step("people", "assess.people", parse=whole_number(1, 50), skippable=True),
        Step("income_mode", "assess.income_mode",
             choices=(Choice("household", "assess.income_household"),
                      Choice("person", "assess.income_person")), skippable=True,
             next=lambda a: "income" if a.get("income_mode") else _first(a, after)),
        Step("income", _income_prompt, parse=money, skippable=True,
             next=lambda a: _first(a, after)),
    ]
    codes = all_codes()
    for n, code in enumerate(codes):
        steps.append(Step(indicator_key(code), _question(code), choices=YES_NO, skippable=True,
                          next=_following(codes[n + 1:], after)))
    return tuple(steps)


def _first(answers: Answers, after: str | None) -> str | None:
    return indicator_key(standard_of(answers).codes[0]) if standard_of(answers).codes else after


def _following(later: tuple[str, ...], after: str | None) -> Callable[[Answers], str | None]:
    def rule(answers: Answers) -> str | None:
        own = standard_of(answers).codes
        return next((indicator_key(c) for c in later if c in own), after)
    return rule


def _question(code: str) -> Callable[[Answers, Tr], str]:
    def prompt(answers: Answers, tr: Tr) -> str:
        std = standard_of(answers)
        asked = tr.pick(std.indicator(code).question)
        return f"({std.codes.index(code) + 1}/{len(std.codes)}) {asked}"
    return prompt


def year_step(asked: str) -> Step:
    """This year or next year (asked in the review season only; ``asked``: the question's
    key), with the decree each year applies."""
    def prompt(answers: Answers, tr: Tr) -> str:
        now = int(answers[YEAR_NOW])
        lines = [tr(asked, this=str(now), next=str(now + 1))]
        lines += [tr("assess.year_rule", year=str(y), decree=standard_for_year(y).decree)
                  for y in (now, now + 1)]
        return "\n".join(lines)

    return Step(YEAR, prompt, choices=(Choice("this", "assess.year_this"),
                                       Choice(NEXT_YEAR, "assess.year_next")))


def _area_prompt(answers: Answers, tr: Tr) -> str:
    year = review_year(answers)
    if year is None:
        return tr("assess.area")
    return tr("assess.applies", year=str(year), decree=standard_of(answers).decree) + "\n" + \
        tr("assess.area")


def _income_prompt(answers: Answers, tr: Tr) -> str:
    if answers.get("income_mode") == "household":
        return tr("assess.income_total")
    return tr("assess.income_each")


def profile(answers: Answers, std: Standard | None = None) -> Profile:
    std = std or standard_of(answers)
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


def assess(answers: Answers) -> Assessment:
    std = standard_of(answers)
    return classify(profile(answers, std), std)


def head(result: Assessment, answers: Answers, tr: Tr) -> list[str]:
    """The first lines of every result: which decree, the status, the income against the line."""
    std = standard_of(answers)
    year = review_year(answers) or std.valid_from.year  # a state saved before years: latest
    lines = [tr("assess.result_title", year=str(year), decree=std.decree),
             tr(f"assess.status.{result.status.value}")]
    prof = profile(answers, std)
    if prof.income_per_person_month is not None and prof.area is not None:
        lines.append(tr("assess.income_line", income=fmt_money(prof.income_per_person_month,
                                                               tr.lang),
                        line=fmt_money(std.income_line[prof.area], tr.lang),
                        area=tr(f"assess.{prof.area.value}").lower()))
    return lines


def explain(answers: Answers, tr: Tr) -> str:
    """Plain words, in full: the status the answers point to, why, what may help, who
    decides, and what the decree's text does not confirm."""
    std, result = standard_of(answers), assess(answers)
    lines = head(result, answers, tr)
    if result.deprived:
        lines.append(tr("assess.deprived", count=result.deprived_count, total=len(std.codes)))
        lines += [f"• {tr.pick(std.indicator(c).name)}: "
                  f"{tr.pick(std.indicator(c).deprived_when)}" for c in result.deprived]
    if result.status is Status.UNKNOWN:
        lines.append(tr("assess.missing", what=", ".join(_missing(result, std, tr))))
    lines += programmes(result, std, tr)
    if result.unconfirmed:
        lines.append(tr("assess.unconfirmed_detail", decree=std.decree,
                        what=", ".join(_names(result.unconfirmed, std, tr))))
    lines.append(tr("assess.official", reference=std.review_references[0]))
    lines.append(tr("assess.agency", decree=std.decree, agency=tr.pick(std.agency)))
    return "\n".join(lines)


def _names(items: tuple[str, ...], std: Standard, tr: Tr) -> list[str]:
    names = {"income_line": tr("assess.item_income_line"),
             "average_band": tr("assess.item_average_band")}
    if set(std.codes) <= std.unconfirmed:  # no threshold confirmed yet: say it once
        items = (*(i for i in items if i in names), *(("indicators",) if set(items) - set(names)
                                                      else ()))
        names["indicators"] = tr("assess.item_indicators")
    return [names.get(i) or tr.pick(std.indicator(i).name) for i in items]


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
    """The answers without the context the dialog was started with, plus the review year."""
    kept = {k: v for k, v in answers.items() if not k.startswith("_")}
    year = review_year(answers)
    return kept if year is None else {**kept, "review_year": year}
