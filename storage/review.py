"""What officers review: collaborators' household updates, villages' monthly reports (an
approved period is locked) and citizens' open questions. The chat and the web dashboard
both call these; telling people and the audit log are done by their callers.

A village's monthly report (every project's report of the village for a period YYYY-MM)
is approved as a whole. While it is approved, the village's collaborator can neither
correct it nor add to it; an officer un-approves it to open it again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, UniqueConstraint
from sqlmodel import Field, Session, SQLModel, col, func, or_, select

from bot.base.clock import utcnow
from storage.models import (
    CitizenQuestion,
    Household,
    HouseholdUpdate,
    QuestionStatus,
    Report,
    UpdateDecision,
)

STATUS_AFTER = {"newly_poor": "poor", "relapsed": "poor", "escaped": "escaped",
                "newly_near_poor": "near_poor", "moved": "moved"}


class PeriodApproval(SQLModel, table=True):
    """An officer approved a village's reports of one month: they are locked."""

    __table_args__ = (UniqueConstraint("area_id", "period"),)
    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="area.id", index=True)
    period: str = Field(sa_type=String(7), index=True)
    approved_by: int = Field(foreign_key="user.id")
    approved_at: datetime = Field(default_factory=utcnow)


# Monthly reports -------------------------------------------------------------------------

def approval(session: Session, village_id: int, period: str) -> PeriodApproval | None:
    return session.exec(select(PeriodApproval).where(
        PeriodApproval.area_id == village_id, PeriodApproval.period == period)).first()


def is_locked(session: Session, village_id: int | None, period: str) -> bool:
    return village_id is not None and approval(session, village_id, period) is not None


def approvals(session: Session, village_ids: list[int], period: str) -> dict[int, Any]:
    """village id -> its approval of the period, for the villages that have one."""
    query = select(PeriodApproval).where(col(PeriodApproval.area_id).in_(village_ids),
                                         PeriodApproval.period == period)
    return {a.area_id: a for a in session.exec(query).all()}


def has_reports(session: Session, village_id: int, period: str) -> bool:
    return int(session.exec(select(func.count()).select_from(Report).where(
        Report.area_id == village_id, Report.period == period)).one()) > 0


def approve(session: Session, village_id: int, period: str, officer_id: int,
            now: datetime) -> bool:
    """Lock the village's period; False when it has no report or is approved already."""
    if approval(session, village_id, period) or not has_reports(session, village_id, period):
        return False
    session.add(PeriodApproval(area_id=village_id, period=period, approved_by=officer_id,
                               approved_at=now))
    session.flush()
    return True


def unapprove(session: Session, village_id: int, period: str) -> bool:
    """Open the period again; False when it was not approved."""
    found = approval(session, village_id, period)
    if found is None:
        return False
    session.delete(found)
    session.flush()
    return True


# Household updates -----------------------------------------------------------------------

def decide(session: Session, update: HouseholdUpdate, decision: UpdateDecision,
           reason: str | None, officer_id: int, now: datetime) -> None:
    """Record the decision; an approval changes the register (a new household is added)."""
    update.decision, update.decided_by = decision.value, officer_id
    update.decided_at, update.reason = now, reason
    session.add(update)
    if decision is UpdateDecision.APPROVED:
        _change_register(session, update, now)


def _change_register(session: Session, update: HouseholdUpdate, now: datetime) -> None:
    household = (session.get(Household, update.household_id) if update.household_id
                 else Household(area_id=update.area_id, head_name=update.data["name"]))
    assert household is not None
    answers = update.data.get("answers", {})
    people = answers.get("people") or len(answers.get("members") or ()) or None
    household.members = people if people is not None else household.members
    household.status = STATUS_AFTER.get(update.event, household.status)
    household.updated_at = now
    session.add(household)
    session.flush()
    update.household_id = household.id


# Citizens' questions ---------------------------------------------------------------------

def open_questions(session: Session, area_ids: list[int], unplaced: bool,
                   limit: int | None = None) -> list[CitizenQuestion]:
    """Open questions of these areas, oldest first; ``unplaced`` adds those with no area
    (for province-level staff)."""
    where: ColumnElement[bool] = col(CitizenQuestion.area_id).in_(area_ids)
    if unplaced:
        where = or_(where, col(CitizenQuestion.area_id).is_(None))
    query = (select(CitizenQuestion).where(CitizenQuestion.status == QuestionStatus.OPEN, where)
             .order_by(col(CitizenQuestion.created_at), col(CitizenQuestion.id)))
    return list(session.exec(query if limit is None else query.limit(limit)).all())


def answer(session: Session, question: CitizenQuestion, text: str, officer_id: int,
           now: datetime) -> None:
    question.status, question.answer = QuestionStatus.ANSWERED, text
    question.answered_by, question.answered_at = officer_id, now
    session.add(question)
