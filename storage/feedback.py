"""Citizens' feedback on the bot's answers ("useful" / "not right"), and what officers read
of it: the share of "not right" per topic and the questions behind them.

API (the chat's feedback buttons, the web dashboard, ``/tongquan`` and ``/cauhoi``):

    from storage import feedback
    feedback.record(session, user_id=3, area_id=12, question="hộ cận nghèo có được ...",
                    section="CS.y-te", entry="cs-y-te-bhyt", verdict=feedback.Verdict.NOT_RIGHT,
                    at=now)                                   # -> the row's id
    feedback.topic_shares(session, area_ids, since=None)     # -> [TopicShare], worst first
    feedback.not_right(session, area_ids, section=None, limit=50)   # -> [Item], newest first

``section`` is the plan section id of the answer that was shown (``plan-sections.md``: the
topic), ``entry`` the knowledge-base entry's id. ``area_ids`` is the viewer's subtree
(``storage.people.subtree_ids``), or None for all; ``unplaced=True`` adds feedback from
citizens with no area (for province-level viewers, as for their open questions). The
question's text is what the citizen typed (trimmed to 1,000 characters): it is shown to the
officers of the citizen's area, never logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, String, case, func, insert, or_
from sqlmodel import Field, Session, SQLModel, col, select

from bot.base.clock import utcnow

QUESTION_MAX = 1000


class Verdict(StrEnum):
    USEFUL = "useful"
    NOT_RIGHT = "not_right"


class AnswerFeedback(SQLModel, table=True):
    """One press of a feedback button under an answer of the knowledge base."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    area_id: int | None = Field(default=None, foreign_key="area.id", index=True)
    question: str = Field(sa_type=String(QUESTION_MAX))
    section: str = Field(sa_type=String(32), index=True)
    entry: str | None = Field(default=None, sa_type=String(64))
    verdict: str = Field(sa_type=String(16), index=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)


@dataclass(frozen=True)
class TopicShare:
    section: str
    total: int
    not_right: int

    @property
    def share(self) -> float:
        """Share of "not right" among the topic's feedback, 0..1."""
        return self.not_right / self.total if self.total else 0.0


@dataclass(frozen=True)
class Item:
    id: int
    section: str
    entry: str | None
    question: str
    area_id: int | None
    at: datetime


_TABLE = AnswerFeedback.__table__  # type: ignore[attr-defined]
_INSERT = insert(_TABLE).returning(_TABLE.c.id)


def record(db: Session | Connection, *, user_id: int, area_id: int | None, question: str,
           section: str, entry: str | None, verdict: Verdict, at: datetime) -> int:
    """Keep one feedback in the caller's transaction; its id."""
    return int(db.execute(_INSERT, {
        "user_id": user_id, "area_id": area_id, "question": question[:QUESTION_MAX],
        "section": section, "entry": entry, "verdict": verdict.value,
        "created_at": at}).scalar_one())


def _where(area_ids: list[int] | None, unplaced: bool, since: datetime | None) -> list[Any]:
    found: list[Any] = []
    if area_ids is not None:
        inside = col(AnswerFeedback.area_id).in_(area_ids)
        found.append(or_(inside, col(AnswerFeedback.area_id).is_(None)) if unplaced
                     else inside)
    if since is not None:
        found.append(col(AnswerFeedback.created_at) >= since)
    return found


def topic_shares(session: Session, area_ids: list[int] | None, since: datetime | None = None,
                 unplaced: bool = False) -> list[TopicShare]:
    """Per topic (plan section): feedback received and how much of it was "not right";
    the topics with the largest share first (then the most answers)."""
    bad = func.sum(case((col(AnswerFeedback.verdict) == Verdict.NOT_RIGHT.value, 1), else_=0))
    query = (select(AnswerFeedback.section, func.count(), bad)
             .where(*_where(area_ids, unplaced, since))
             .group_by(col(AnswerFeedback.section)))
    rows = [TopicShare(str(s), int(n), int(b or 0)) for s, n, b in session.exec(query).all()]
    return sorted(rows, key=lambda r: (-r.share, -r.total, r.section))


def not_right(session: Session, area_ids: list[int] | None, section: str | None = None,
              limit: int = 50, unplaced: bool = False,
              since: datetime | None = None) -> list[Item]:
    """The questions whose answer was marked "not right", newest first."""
    where = [col(AnswerFeedback.verdict) == Verdict.NOT_RIGHT.value,
             *_where(area_ids, unplaced, since)]
    if section is not None:
        where.append(col(AnswerFeedback.section) == section)
    query = (select(AnswerFeedback).where(*where)
             .order_by(col(AnswerFeedback.created_at).desc(), col(AnswerFeedback.id).desc())
             .limit(limit))
    return [Item(int(f.id or 0), f.section, f.entry, f.question, f.area_id, f.created_at)
            for f in session.exec(query).all()]
