"""What officers read of citizens' feedback on the bot's answers: the share of "not right"
per topic (in /tongquan) and the questions behind it (in /cauhoi), over the last 90 days,
for the officer's own area (province-level staff also see citizens with no area)."""

from __future__ import annotations

from datetime import timedelta

from bot.base.i18n import fmt_date, fmt_number
from bot.core.context import Context
from handlers.kbase import kb
from storage import feedback
from storage.models import Area, AreaLevel
from storage.people import subtree_ids

WINDOW = timedelta(days=90)
SHOWN = 5


def _scope(ctx: Context) -> tuple[list[int], bool]:
    area = ctx.session.get(Area, ctx.area_id) if ctx.area_id else None
    ids = subtree_ids(ctx.session, ctx.area_id) if ctx.area_id else []
    return ids, area is not None and area.level == AreaLevel.PROVINCE


def topic_lines(ctx: Context) -> list[str]:
    """"Not right" per topic, the worst first; nothing when no feedback came."""
    ids, province = _scope(ctx)
    shares = [s for s in feedback.topic_shares(ctx.session, ids, ctx.now - WINDOW, province)
              if s.not_right][:SHOWN]
    if not shares:
        return []
    lines = [ctx.t("feedback.topics_title")]
    for share in shares:
        lines.append(ctx.t("feedback.topic_line", topic=kb().sections.get(share.section, ""),
                           bad=fmt_number(share.not_right, ctx.lang),
                           total=fmt_number(share.total, ctx.lang),
                           share=fmt_number(round(100 * share.not_right / share.total),
                                            ctx.lang)))
    return lines


def question_lines(ctx: Context) -> list[str]:
    """The latest questions whose answer a citizen marked "not right"."""
    ids, province = _scope(ctx)
    items = feedback.not_right(ctx.session, ids, limit=SHOWN, unplaced=province,
                               since=ctx.now - WINDOW)
    if not items:
        return []
    lines = [ctx.t("feedback.questions_title")]
    for item in items:
        lines.append(ctx.t("feedback.question_line", text=item.question,
                           topic=kb().sections.get(item.section, ""),
                           when=fmt_date(item.at, ctx.lang)))
    return lines
