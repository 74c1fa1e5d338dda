"""/dulieucuatoi: what the bot keeps about me; /xoadulieu: delete a citizen's own data.

The consent notice (``notice``) is shown the first time a person gives personal data for a
purpose (a saved self-assessment, a question passed to an officer, a household recorded);
accepting is stored with its time (``storage.personal``)."""

from __future__ import annotations

from bot.base.i18n import Tr, fmt_date, fmt_number
from bot.base.messages import Button, Outgoing, Role
from bot.core.context import Context
from bot.core.dialog import Answers, Dialog, Effect, Step
from bot.core.router import Command, Journey
from storage import audit, personal
from storage.personal import Purpose

NAME = "xoadulieu"
CITIZENS = frozenset({Role.CITIZEN})


def needs_notice(ctx: Context, purpose: Purpose) -> bool:
    return not personal.consented(ctx.session, ctx.user_id, purpose)


def notice(tr: Tr, purpose: Purpose) -> str:
    """What is kept, why, for how long and who sees it, in plain words."""
    return tr(f"privacy.notice.{purpose.value}") + "\n" + tr("privacy.notice.rights")


def show(ctx: Context, args: str) -> list[Outgoing]:
    kept = personal.kept_about(ctx.session, ctx.user)
    t, lang = ctx.t, ctx.lang
    lines = [t("privacy.kept.title"),
             t("privacy.kept.account", role=t(f"role.{kept.role}"),
               accounts=", ".join(kept.accounts) or "-",
               area=t("privacy.kept.area_yes" if kept.has_area else "privacy.kept.area_no")),
             t("privacy.kept.questions", count=fmt_number(kept.questions, lang)),
             t("privacy.kept.assessments", count=fmt_number(kept.assessments, lang),
               last=fmt_date(kept.last_assessment, lang) if kept.last_assessment else "-"),
             t("privacy.kept.log", count=fmt_number(kept.log_rows, lang),
               since=fmt_date(kept.first_log, lang) if kept.first_log else "-")]
    for purpose, when in kept.consents:
        lines.append(t("privacy.kept.consent", purpose=t(f"privacy.purpose.{purpose}"),
                       when=fmt_date(when, lang)))
    if kept.notices_waiting:
        lines.append(t("privacy.kept.waiting", count=fmt_number(kept.notices_waiting, lang)))
    lines.append(t("privacy.kept.footer_citizen" if ctx.role is Role.CITIZEN
                   else "privacy.kept.footer_staff"))
    buttons = (Button(t("privacy.delete_button"), "cmd:xoadulieu"),) \
        if ctx.role is Role.CITIZEN else ctx.menu()
    return [Outgoing("\n".join(lines), buttons)]


def delete_start(ctx: Context, args: str) -> list[Outgoing]:
    return ctx.start_dialog(NAME)


def build() -> Dialog:
    steps: tuple[Step, ...] = ()
    return Dialog(NAME, "privacy.delete_title", steps, lambda a, tr: tr("privacy.delete_what"),
                  _effects, confirm_prompt="privacy.delete_confirm", done="",
                  declined="privacy.delete_declined")


def _effects(answers: Answers) -> tuple[Effect, ...]:
    return (Effect("forget"),)


def forget(ctx: Context, effect: Effect) -> list[Outgoing]:
    if ctx.role is not Role.CITIZEN:  # a role given since the dialog began
        return [Outgoing(ctx.t("command.not_allowed"), ctx.menu())]
    stub = ctx.user_id
    gone, strangers = personal.forget(ctx.session, ctx.user, keep_chat=ctx.conv.id)
    audit.record(ctx.session, actor_id=stub, role=Role.CITIZEN,
                 action=audit.Action.DELETE_OWN_DATA, target=audit.Target.USER,
                 target_id=stub, area_id=None, via=audit.Via.CHAT, at=ctx.now,
                 detail=" ".join(f"{k}={v}" for k, v in sorted(gone.items())))
    told = Outgoing(ctx.t("privacy.deleted"))
    stranger = strangers.get((ctx.key.channel, ctx.key.user_id))
    if stranger is not None:
        ctx.user = stranger  # from now on this chat is a new, empty citizen
    return [told]


JOURNEY = Journey(
    commands=(Command(("dulieucuatoi", "mydata"), show, help="help.mydata"),
              Command(("xoadulieu", "deletemydata"), delete_start, CITIZENS,
                      help="help.deletemydata", dialog=NAME)),
    dialog=build, effects={"forget": forget})
