"""What an officer decides, from the chat or the web dashboard: one plain function each,
with the rules (role, scope, state), the audit entry and the message to the person
concerned (through ``scheduler.post``). Callers turn the ``Outcome`` into their own words.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, select

from bot.base.i18n import Tr, fmt_month
from bot.base.messages import Lang, Outgoing, Role
from scheduler.post import notify
from storage import audit, fieldwork, review
from storage.models import (
    Area,
    AreaLevel,
    CitizenQuestion,
    Household,
    HouseholdUpdate,
    QuestionStatus,
    UpdateDecision,
    User,
)
from storage.people import in_scope, subtree_ids

OFFICERS = frozenset({Role.OFFICER, Role.ADMIN})


class Outcome(StrEnum):
    DONE = "done"
    NOT_FOUND = "not_found"  # unknown, or outside the officer's area: the same to them
    ALREADY = "already"  # decided or answered by someone else meanwhile
    REASON_REQUIRED = "reason_required"
    NO_REPORTS = "no_reports"  # a period with nothing to approve
    NOT_APPROVED = "not_approved"  # un-approving what was not approved


def _officer(officer: User) -> bool:
    return officer.role in OFFICERS and officer.area_id is not None


def _province(session: Session, officer: User) -> bool:
    area = session.get(Area, officer.area_id) if officer.area_id else None
    return area is not None and area.level == AreaLevel.PROVINCE


def pending_updates(session: Session, officer: User) -> list[HouseholdUpdate]:
    if not _officer(officer) or officer.area_id is None:
        return []
    return fieldwork.pending_updates(session, subtree_ids(session, officer.area_id))


def open_questions(session: Session, officer: User) -> list[CitizenQuestion]:
    """Open questions of the officer's area; province-level staff also get those with none."""
    if not _officer(officer) or officer.area_id is None:
        return []
    return review.open_questions(session, subtree_ids(session, officer.area_id),
                                 _province(session, officer))


def _log(session: Session, officer: User, action: audit.Action, target: audit.Target,
         target_id: int | None, area_id: int | None, now: datetime, via: audit.Via,
         detail: str = "") -> None:
    audit.record(session, actor_id=officer.id, role=officer.role, action=action,
                 target=target, target_id=target_id, area_id=area_id, via=via, at=now,
                 detail=detail)


def decide_update(session: Session, officer: User, update_id: int, decision: UpdateDecision,
                  reason: str | None, now: datetime, via: audit.Via) -> Outcome:
    """Approve (the register changes) or reject (a reason is required) a household update
    of the officer's area; the collaborator is told either way."""
    update = session.get(HouseholdUpdate, update_id)
    if (not _officer(officer) or update is None or decision is UpdateDecision.PENDING
            or not in_scope(session, officer, update.area_id)):
        return Outcome.NOT_FOUND
    if update.decision != UpdateDecision.PENDING:
        return Outcome.ALREADY
    if decision is UpdateDecision.REJECTED and not (reason or "").strip():
        return Outcome.REASON_REQUIRED
    assert officer.id is not None
    review.decide(session, update, decision, reason, officer.id, now)
    action = (audit.Action.APPROVE_UPDATE if decision is UpdateDecision.APPROVED
              else audit.Action.REJECT_UPDATE)
    _log(session, officer, action, audit.Target.HOUSEHOLD_UPDATE, update.id, update.area_id,
         now, via, f"event={update.event}")
    _tell_collaborator(session, update, now)
    return Outcome.DONE


def _tell_collaborator(session: Session, update: HouseholdUpdate, now: datetime) -> None:
    """Told in their own language, naming the household, the village, the event and the
    update's number (the receipt they were given when they sent it)."""
    collaborator = session.get(User, update.submitted_by)
    if collaborator is None:
        return
    tr = Tr(Lang(collaborator.language))
    household = session.get(Household, update.household_id) if update.household_id else None
    who = household.head_name if household else tr("household.new_named",
                                                   name=update.data.get("name", ""))
    village = session.get(Area, update.area_id)
    text = tr(f"approve.told_{update.decision}", number=update.id, who=who,
              village=village.name if village else "",
              event=tr(f"household.event.{update.event}"),
              reason=update.reason or tr("approve.no_reason"))
    notify(session, collaborator, Outgoing(text), now, dedup_key=f"decision:{update.id}")


def answer_question(session: Session, officer: User, question_id: int, text: str,
                    now: datetime, via: audit.Via) -> Outcome:
    """Answer an open question of the officer's area; the answer reaches the citizen."""
    question = session.get(CitizenQuestion, question_id)
    if not _officer(officer) or question is None or question.status == "draft":
        return Outcome.NOT_FOUND
    if question.status != QuestionStatus.OPEN:
        return Outcome.ALREADY
    if question.area_id is None and not _province(session, officer):
        return Outcome.NOT_FOUND
    if question.area_id is not None and not in_scope(session, officer, question.area_id):
        return Outcome.NOT_FOUND
    assert officer.id is not None
    review.answer(session, question, text, officer.id, now)
    _log(session, officer, audit.Action.ANSWER_QUESTION, audit.Target.QUESTION, question.id,
         question.area_id, now, via)
    citizen = session.get(User, question.user_id)
    if citizen is not None:
        tr = Tr(Lang(citizen.language))
        notify(session, citizen, Outgoing(tr("questions.told", text=question.text,
                                              answer=text)),
               now, dedup_key=f"answer:{question.id}")
        question.delivered_at = now  # queued for the citizen's channels
    return Outcome.DONE


def _village(session: Session, officer: User, village_id: int) -> Area | None:
    village = session.get(Area, village_id)
    if (not _officer(officer) or village is None or village.level != AreaLevel.VILLAGE
            or not in_scope(session, officer, village.id)):
        return None
    return village


def set_period(session: Session, officer: User, village_id: int, period: str, approved: bool,
               now: datetime, via: audit.Via) -> Outcome:
    """Approve a village's reports of a month (locked), or un-approve them (open again);
    the village's collaborators are told."""
    village = _village(session, officer, village_id)
    if village is None or village.id is None:
        return Outcome.NOT_FOUND
    assert officer.id is not None
    if approved and not review.approve(session, village.id, period, officer.id, now):
        return (Outcome.ALREADY if review.is_locked(session, village.id, period)
                else Outcome.NO_REPORTS)
    if not approved and not review.unapprove(session, village.id, period):
        return Outcome.NOT_APPROVED
    action = audit.Action.APPROVE_PERIOD if approved else audit.Action.UNAPPROVE_PERIOD
    _log(session, officer, action, audit.Target.VILLAGE_PERIOD, village.id, village.id, now,
         via, f"period={period}")
    _tell_village(session, village, period, approved, now)
    return Outcome.DONE


def _tell_village(session: Session, village: Area, period: str, approved: bool,
                  now: datetime) -> None:
    key = "report.told_approved" if approved else "report.told_unapproved"
    query = select(User).where(User.role == Role.COLLABORATOR.value, User.area_id == village.id)
    for person in session.exec(query).all():
        lang = Lang(person.language)
        text = Tr(lang)(key, village=village.name, period=fmt_month(period, lang))
        notify(session, person, Outgoing(text), now)
