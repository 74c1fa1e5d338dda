"""Personal data as Decree 13/2023/NĐ-CP expects: consent kept with its time, what the bot
keeps about a person, deleting a citizen's own data, and retention of message logs.

A person's data: their questions (CitizenQuestion), saved self-assessments, feedback on
answers, the message log (what happened, never what was said), link codes, chats' states and
platform accounts. A
citizen's deletion removes all of it; the User row stays as an empty stub (no platform
account, no area), so that records that must stay (an audit entry) still point somewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from bot.base.messages import Role
from storage.feedback import AnswerFeedback
from storage.models import (
    CitizenQuestion,
    Consent,
    Conversation,
    Identity,
    LinkCode,
    MessageLog,
    OutboxMessage,
    OutboxStatus,
    ReportVersion,
    SavedAssessment,
    User,
)

NOTICE_VERSION = "2026-12"  # the wording of the consent notice the person accepted


class Purpose(StrEnum):
    ASSESSMENT = "assessment"  # a citizen keeps a self-assessment
    QUESTION = "question"  # a citizen passes a question to an officer
    HOUSEHOLD = "household"  # a collaborator records households of the village


def consented(session: Session, user_id: int, purpose: Purpose) -> bool:
    return session.exec(select(Consent.id).where(Consent.user_id == user_id,
                                                 Consent.purpose == purpose.value)
                        ).first() is not None


def accept(session: Session, user_id: int, purpose: Purpose, now: datetime) -> None:
    if not consented(session, user_id, purpose):
        session.add(Consent(user_id=user_id, purpose=purpose.value, notice=NOTICE_VERSION,
                            accepted_at=now))


@dataclass(frozen=True)
class Kept:
    """What the bot keeps about one person (counts and dates, for /dulieucuatoi)."""

    role: str
    has_area: bool
    accounts: list[str]  # platforms, e.g. ["telegram", "zalo"]
    questions: int
    assessments: int
    last_assessment: datetime | None
    log_rows: int
    first_log: datetime | None
    consents: list[tuple[str, datetime]]
    notices_waiting: int


def _count(session: Session, model: Any, user_id: int) -> int:
    return int(session.exec(select(func.count()).select_from(model)
                            .where(model.user_id == user_id)).one())


def kept_about(session: Session, user: User) -> Kept:
    assert user.id is not None
    uid = user.id
    accounts = sorted({i.channel for i in session.exec(
        select(Identity).where(Identity.user_id == uid)).all()})
    last = session.exec(select(func.max(SavedAssessment.created_at))
                        .where(SavedAssessment.user_id == uid)).one()
    first = session.exec(select(func.min(MessageLog.at)).where(MessageLog.user_id == uid)).one()
    consents = [(c.purpose, c.accepted_at) for c in session.exec(
        select(Consent).where(Consent.user_id == uid).order_by(col(Consent.accepted_at))).all()]
    waiting = int(session.exec(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.user_id == uid, OutboxMessage.status == OutboxStatus.PENDING)).one())
    return Kept(user.role, user.area_id is not None, accounts,
                _count(session, CitizenQuestion, uid), _count(session, SavedAssessment, uid),
                last, _count(session, MessageLog, uid), first, consents, waiting)


def forget(session: Session, user: User, keep_chat: int | None = None
           ) -> tuple[dict[str, int], dict[tuple[str, str], User]]:
    """Delete a citizen's own data. The User row stays, emptied, as the stub an audit entry
    points to; each platform account is handed a new, empty citizen (as if a stranger
    wrote for the first time), so linked accounts are unlinked. ``keep_chat``: the chat
    this is asked from, whose state the step itself clears. Returns the counts per kind,
    and the new citizen of each account, by (channel, platform id)."""
    assert user.id is not None
    uid, gone = user.id, {}
    for name, model in (("questions", CitizenQuestion), ("assessments", SavedAssessment),
                        ("log", MessageLog), ("outbox", OutboxMessage), ("links", LinkCode),
                        ("consents", Consent), ("feedback", AnswerFeedback)):
        done: Any = session.execute(delete(model).where(col(model.user_id) == uid))
        gone[name] = int(done.rowcount)
    accounts = session.exec(select(Identity).where(Identity.user_id == uid)).all()
    strangers: dict[tuple[str, str], User] = {}
    for account in accounts:
        stranger = User(role=Role.CITIZEN, language=user.language)
        session.add(stranger)
        session.flush()
        assert stranger.id is not None
        account.user_id, strangers[(account.channel, account.external_id)] = stranger.id, stranger
        session.add(account)
        session.execute(update(Conversation).where(
            col(Conversation.channel) == account.channel,
            col(Conversation.external_user_id) == account.external_id,
            col(Conversation.id) != (keep_chat or 0))
            .values(dialog=None, buttons=[], version=col(Conversation.version) + 1))
    gone["accounts"] = len(accounts)
    user.area_id, user.handle, user.muted, user.reachable = None, None, False, False
    session.add(user)
    return gone, strangers


def purge_log(session: Session, before: datetime) -> int:
    """Message-log rows older than ``before`` (the retention period), deleted."""
    done: Any = session.execute(delete(MessageLog).where(col(MessageLog.at) < before))
    return int(done.rowcount)


def drop_evidence(session: Session, report_id: int) -> list[str]:
    """Remove the photos and voice notes of every version of a report (an officer's
    correction of a mistaken photo); returns the refs removed (their files go too)."""
    refs: list[str] = []
    for version in session.exec(select(ReportVersion).where(
            ReportVersion.report_id == report_id)).all():
        refs += [ref for item in version.evidence or [] for ref in item.get("refs", [])]
        version.evidence = []
        session.add(version)
    return refs
