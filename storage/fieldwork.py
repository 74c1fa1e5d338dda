"""Repositories for collaborators' field work: reports (versioned) and household updates."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, or_, union
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from bot.base.clock import local
from storage.lineage import AreaLineage
from storage.models import Household, HouseholdUpdate, Report, ReportVersion, UpdateDecision

RECEIPT_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B look-alikes
NO_CHANGE = "*"  # the project code of a "no change this month" report


def period_of(moment: datetime) -> str:
    """The reporting month (local time) in which a message was sent."""
    return local(moment).strftime("%Y-%m")


def new_receipt(session: Session, prefix: str = "BC") -> str:
    while True:
        code = prefix + "-" + "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(5))
        if session.exec(select(Report).where(Report.receipt == code)).first() is None:
            return code


def reported_projects(session: Session, area_id: int, period: str) -> list[str]:
    """Projects the village has a counted report for this period ("*": no change)."""
    return list(session.exec(select(Report.project).where(
        Report.area_id == area_id, Report.period == period,
        col(Report.withdrawn_at).is_(None))).all())


def save_report(session: Session, *, area_id: int, project: str, author_id: int,
                sent_at: datetime, content: dict[str, Any]
                ) -> tuple[Report, int, str | None] | None:
    """Save a report for the period it was sent in; a second one for the same village,
    project and period becomes a new version of the first (nothing is overwritten).

    A village-month has either real reports or one "no change": a real report withdraws a
    "no change" of the month (its receipt is returned as the third value); a "no change"
    after a real report is not saved (None)."""
    period = period_of(sent_at)
    counted = session.exec(select(Report).where(
        Report.area_id == area_id, Report.period == period,
        col(Report.withdrawn_at).is_(None))).all()
    if project == NO_CHANGE and any(r.project != NO_CHANGE for r in counted):
        return None
    replaced = None
    for old in counted:
        if project != NO_CHANGE and old.project == NO_CHANGE:
            old.withdrawn_at, replaced = sent_at, old.receipt
            session.add(old)
    report = next((r for r in counted if r.project == project), None)
    if report is None:
        report = Report(receipt=new_receipt(session), area_id=area_id, project=project,
                        period=period, created_by=author_id, sent_at=sent_at, version=0)
    return report, add_version(session, report, author_id, sent_at, content), replaced


def add_version(session: Session, report: Report, author_id: int, sent_at: datetime,
                content: dict[str, Any]) -> int:
    """Keep every version: a correction never overwrites what was saved before."""
    report.version += 1
    report.sent_at = sent_at
    session.add(report)
    session.flush()
    assert report.id is not None
    session.add(ReportVersion(report_id=report.id, version=report.version, author_id=author_id,
                              created_at=sent_at, **content))
    return report.version


def reports_by(session: Session, user_id: int, limit: int = 10) -> list[Report]:
    query = (select(Report).where(Report.id.in_(  # type: ignore[union-attr]
        select(ReportVersion.report_id).where(ReportVersion.author_id == user_id)))
        .order_by(col(Report.sent_at).desc()).limit(limit))
    return list(session.exec(query).all())


def report_by_receipt(session: Session, receipt: str) -> Report | None:
    return session.exec(select(Report).where(Report.receipt == receipt.upper())).first()


def latest_version(session: Session, report_id: int) -> ReportVersion:
    return session.exec(select(ReportVersion).where(ReportVersion.report_id == report_id)
                        .order_by(col(ReportVersion.version).desc())).first()  # type: ignore[return-value]


def past_max(session: Session, area_id: int) -> dict[str, int]:
    """The highest figure this village ever reported per indicator (for outlier checks)."""
    best: dict[str, int] = {}
    query = select(ReportVersion.values).join(Report).where(Report.area_id == area_id)
    for values in session.exec(query).all():
        for code, value in (values or {}).items():
            best[code] = max(best.get(code, 0), int(value))
    return best


_HOUSEHOLD = Household.__table__  # type: ignore[attr-defined]
_NEAR = AreaLineage.__table__.alias("near")  # type: ignore[attr-defined]
_FAR = AreaLineage.__table__.alias("far")  # type: ignore[attr-defined]
_CONTINUED = union(  # the villages this one continues whole, one or two epochs back
    core_select(_NEAR.c.old_id).where(_NEAR.c.new_id == bindparam("area_id"),
                                      _NEAR.c.partial.is_(False)),
    core_select(_FAR.c.old_id).join(_NEAR, _NEAR.c.old_id == _FAR.c.new_id)
    .where(_NEAR.c.new_id == bindparam("area_id"), _NEAR.c.partial.is_(False),
           _FAR.c.partial.is_(False)))
_NAMES = (core_select(_HOUSEHOLD.c.id, _HOUSEHOLD.c.head_name)
          .where(or_(_HOUSEHOLD.c.area_id == bindparam("area_id"),
                     _HOUSEHOLD.c.area_id.in_(_CONTINUED)))
          .order_by(_HOUSEHOLD.c.id))


def village_households(conn: Connection, area_id: int) -> list[list[Any]]:
    """``[id, head's name]`` of every household registered in the village, and in the
    village of an earlier epoch it continues (a household keeps the unit it was made in)."""
    return [[r[0], r[1]] for r in conn.execute(_NAMES, {"area_id": area_id})]


_PROPOSE = (insert(HouseholdUpdate.__table__)  # type: ignore[attr-defined]
            .values(decision=UpdateDecision.PENDING.value)
            .returning(HouseholdUpdate.__table__.c.id))  # type: ignore[attr-defined]


def propose_update(conn: Connection, *, household_id: int | None, area_id: int, event: str,
                   status: str | None, standard_id: str, submitted_by: int,
                   submitted_at: datetime, data: dict[str, Any]) -> int:
    """A collaborator's household update, pending an officer's decision; its number."""
    return int(conn.execute(_PROPOSE, {
        "household_id": household_id, "area_id": area_id, "event": event,
        "indicated_status": status, "standard_id": standard_id, "submitted_by": submitted_by,
        "submitted_at": submitted_at, "data": data}).scalar_one())


def pending_updates(session: Session, area_ids: list[int]) -> list[HouseholdUpdate]:
    query = select(HouseholdUpdate).where(
        col(HouseholdUpdate.area_id).in_(area_ids), HouseholdUpdate.decision == "pending")
    return list(session.exec(query.order_by(col(HouseholdUpdate.submitted_at))).all())


def count_reports(session: Session, area_id: int, period: str) -> int:
    return session.exec(select(func.count()).select_from(Report).where(
        Report.area_id == area_id, Report.period == period)).one()
