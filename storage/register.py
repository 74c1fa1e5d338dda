"""The household register as officers search it: by name with or without accents, by
status, a page at a time, inside the viewer's areas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Household
from storage.names import fold_name

PAGE = 50


@dataclass(frozen=True)
class Found:
    rows: list[Household]
    total: int


def _holds(session: Session, word: str) -> Any:
    """The search key holds ``word`` (a plain substring test: the key is folded already)."""
    find = func.strpos if session.get_bind().dialect.name == "postgresql" else func.instr
    return find(col(Household.name_key), word) > 0


def _where(session: Session, area_ids: list[int] | None, text: str,
           status: str | None) -> list[Any]:
    where: list[Any] = [] if area_ids is None else [col(Household.area_id).in_(area_ids)]
    for word in fold_name(text).split()[:6]:  # every word, anywhere in the name
        where.append(_holds(session, word))
    if status:
        where.append(col(Household.status) == status)
    return where


def search(session: Session, area_ids: list[int] | None, text: str = "",
           status: str | None = None, page: int = 1, size: int = PAGE) -> Found:
    """Households whose head's name holds every word typed (accents optional), ordered by
    village then register number; ``page`` counts from 1. ``area_ids`` None: every area
    (the whole province)."""
    where = _where(session, area_ids, text, status)
    total = int(session.exec(select(func.count()).select_from(Household).where(*where)).one())
    query = (select(Household).where(*where)
             .order_by(col(Household.area_id), col(Household.id))
             .offset(max(page - 1, 0) * size).limit(size))
    return Found(list(session.exec(query).all()), total)

