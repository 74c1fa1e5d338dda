"""Retention (Decree 13/2023/NĐ-CP): message logs and received media are kept
``GIAMNGHEO_RETENTION_DAYS`` (default 365), questions the citizen never passed on a day.
The scheduler's leader applies it every hour; ``purge`` is a plain function of the time."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlmodel import col

from storage.models import CitizenQuestion, QuestionStatus
from storage.personal import purge_log
from storage.repo import Store

log = logging.getLogger("giamngheo.scheduler")
DRAFTS_KEPT = timedelta(days=1)


def purge(store: Store, now: datetime, days: int, media_dir: Path | None) -> dict[str, int]:
    """Delete what is older than its retention; returns how many of each (counts only)."""
    cutoff = now - timedelta(days=days)
    with store.session() as session:
        logs = purge_log(session, cutoff)
        done: Any = session.execute(delete(CitizenQuestion).where(
            col(CitizenQuestion.status) == QuestionStatus.DRAFT.value,
            col(CitizenQuestion.created_at) < now - DRAFTS_KEPT))
        drafts = int(done.rowcount)
    media = _purge_media(media_dir, cutoff) if media_dir is not None else 0
    if logs or media or drafts:
        log.info("retention: %d log rows, %d media files, %d drafts deleted", logs, media,
                 drafts)
    return {"log": logs, "media": media, "drafts": drafts}


def _purge_media(media_dir: Path, cutoff: datetime) -> int:
    """Received photos and voice notes whose file is older than the cutoff."""
    if not media_dir.is_dir():
        return 0
    gone = 0
    for path in media_dir.rglob("*"):
        if path.is_file() and path.stat().st_mtime < cutoff.timestamp():
            path.unlink(missing_ok=True)
            gone += 1
    return gone
