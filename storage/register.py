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


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _where(area_ids: list[int], text: str, status: str | None) -> list[Any]:
    where: list[Any] = [col(Household.area_id).in_(area_ids)]
    for word in fold_name(text).split()[:6]:  # every word, anywhere in the name
        where.append(col(Household.name_key).like(f"%{_escape(word)}%", escape="\\"))
    if status:
        where.append(col(Household.status) == status)
    return where


def search(session: Session, area_ids: list[int], text: str = "", status: str | None = None,
           page: int = 1, size: int = PAGE) -> Found:
    """Households whose head's name holds every word typed (accents optional), ordered by
    village then register number; ``page`` counts from 1."""
    where = _where(area_ids, text, status)
    total = int(session.exec(select(func.count()).select_from(Household).where(*where)).one())
    query = (select(Household).where(*where)
             .order_by(col(Household.area_id), col(Household.id))
             .offset(max(page - 1, 0) * size).limit(size))
    return Found(list(session.exec(query).all()), total)

