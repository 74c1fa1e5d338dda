"""Reporting rates of many months at once (the dashboard's monthly chart), in one query."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.base.clock import aware
from storage.models import Area, AreaLevel, Report, ReportVersion
from storage.people import subtree_ids


def villages(session: Session, root_id: int) -> int:
    """Villages of the area's subtree that report (those still in use)."""
    return int(session.exec(select(func.count()).select_from(Area).where(
        col(Area.id).in_(subtree_ids(session, root_id)),
        Area.level == AreaLevel.VILLAGE.value, col(Area.valid_to).is_(None))).one())


def monthly(session: Session, root_id: int,
            deadlines: Mapping[str, datetime]) -> dict[str, tuple[int, int]]:
    """period -> (villages that reported, of which on time: first sent before the period's
    deadline), for the periods given (as ``progress.completeness`` counts one month)."""
    ids = subtree_ids(session, root_id)
    query = (select(Report.area_id, Report.period, func.min(ReportVersion.created_at))
             .join(ReportVersion, col(ReportVersion.report_id) == col(Report.id))
             .where(col(Report.period).in_(list(deadlines)), ReportVersion.version == 1,
                    col(Report.area_id).in_(ids))
             .group_by(col(Report.area_id), col(Report.period)))
    received: Counter[str] = Counter()
    on_time: Counter[str] = Counter()
    for _village, period, first in session.exec(query).all():
        received[period] += 1
        on_time[period] += aware(first) < deadlines[period]
    return {p: (received[p], on_time[p]) for p in deadlines}
