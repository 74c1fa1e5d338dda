"""The commune finder: where an old commune, ward or township is now (after the 2025
reform), and its People's Committee as the place to ask. ``/timxa NAME``, or free text that
clearly asks about a unit's merger or new name; every other free text is a citizen's question.

The matching is pure (``knowledge.finder``) over the lineage rows that storage keeps
(``storage.lineage.old_units``): the rows are read only when the text has a merger phrase.
"""

from __future__ import annotations

from bot.base.messages import Button, Outgoing
from bot.core.context import Context
from bot.core.router import Action, Command, Journey
from bot.core.text import fold, parse_id
from handlers import citizen
from knowledge.finder import Finder, Finding, Outcome, Place, Unit, mentions_change
from storage.lineage import old_units


def finder(ctx: Context) -> Finder:
    return Finder(old_units(ctx.session))


def fallback(ctx: Context, text: str) -> list[Outgoing]:
    """Free text: the finder when it asks about an old unit's new name, else the question
    goes to the knowledge base."""
    if mentions_change(text):
        found = finder(ctx)
        if found.asks(text):
            return reply(ctx, found, found.find(text, typos=False))
    return citizen.answer(ctx, text)


def find_command(ctx: Context, args: str) -> list[Outgoing]:
    if not args.strip():
        return [Outgoing(ctx.t("finder.prompt"))]
    found = finder(ctx)
    finding = found.find(args)
    unit = found.current(args) if finding.outcome is Outcome.NOT_FOUND else None
    if unit is not None:  # a new unit's name: what it was formed from
        return [Outgoing(formed(ctx, found, unit))]
    return reply(ctx, found, finding)


def formed(ctx: Context, found: Finder, unit: Unit) -> str:
    names = ", ".join(_with_district(p) + (ctx.t("finder.a_part") if part else "")
                      for p, part in found.formed_from(unit))
    return "\n".join([ctx.t("finder.formed_from", new=unit.name, names=names),
                      ctx.t("finder.ask_at", committee=committee(ctx, unit))])


def pressed(ctx: Context, arg: str) -> list[Outgoing]:
    """``timxa:PLACE`` (one of several old units of that name) or ``timxa:PLACE.UNIT`` (the
    part of a split unit the person lives in)."""
    place_arg, _, unit_arg = arg.partition(".")
    found = finder(ctx)
    place_id = parse_id(place_arg)
    place = found.place(place_id) if place_id is not None else None
    if place is None:
        return [Outgoing(ctx.t("dialog.stale_button"), ctx.menu())]
    if not unit_arg:
        return reply(ctx, found, found.about(place))
    unit = next((u for u in place.successors if str(u.id) == unit_arg), None)
    if unit is None:
        return [Outgoing(ctx.t("dialog.stale_button"), ctx.menu())]
    return [Outgoing(_found(ctx, found, place, unit))]


def reply(ctx: Context, found: Finder, finding: Finding) -> list[Outgoing]:
    if finding.outcome is Outcome.NOT_FOUND:
        return [Outgoing(ctx.t("finder.not_found", name=finding.typed[:60]))]
    if finding.outcome is Outcome.WHICH:
        buttons = tuple(Button(_with_district(p), f"timxa:{p.id}") for p in finding.places)
        return [Outgoing(ctx.t("finder.which", name=finding.typed), buttons)]
    place = finding.place
    if finding.outcome is Outcome.NEEDS_CHOICE:
        names = ", ".join(u.name for u in finding.nearby)
        return [Outgoing(ctx.t("finder.needs_choice", old=place.name,
                               district=place.district or "", units=names))]
    if finding.outcome is Outcome.SPLIT:
        buttons = tuple(Button(u.name, f"timxa:{place.id}.{u.id}") for u in place.successors)
        parts = ", ".join(u.name for u in place.successors)
        return [Outgoing(ctx.t("finder.split", old=place.name, district=place.district or "",
                               parts=parts), buttons)]
    return [Outgoing(_found(ctx, found, place, place.successors[0]))]


def _found(ctx: Context, found: Finder, place: Place, unit: Unit) -> str:
    key = "finder.found_part" if unit.partial else "finder.found"
    lines = [ctx.t(key, old=place.name, district=place.district or "", new=unit.name)]
    others = [(p, part) for p, part in found.formed_from(unit) if p != place]
    if others:
        lines.append(ctx.t("finder.merged_with", new=unit.name, names=", ".join(
            p.name + (ctx.t("finder.a_part") if part else "") for p, part in others)))
    lines.append(ctx.t("finder.ask_at", committee=committee(ctx, unit)))
    return "\n".join(lines)


def committee(ctx: Context, unit: Unit) -> str:
    """"Ủy ban nhân dân xã Bác Ái Tây" / "the People's Committee of Bác Ái Tây commune"."""
    slug = fold(unit.kind).replace(" ", "_") or "xa"
    return ctx.t("finder.committee", kind=ctx.t(f"finder.kind.{slug}"), name=unit.bare)


def _with_district(place: Place) -> str:
    return f"{place.name} ({place.district})" if place.district else place.name


JOURNEY = Journey(
    commands=(Command(("timxa", "findcommune"), find_command, help="help.finder"),),
    actions=(Action("timxa", pressed),),
)
