"""Online backups: a consistent copy of the live SQLite database, safe while the bot writes.

SQLite's backup API copies the database as one read transaction: in WAL mode the bot keeps
writing meanwhile, and the copy holds exactly the transactions committed before it began.
The copy is written next to the target and renamed into place, so a half-written backup
never carries the target's name. PostgreSQL has its own tools (``pg_dump``); this module
refuses it with that advice rather than imitate them.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.db import normalise_url

PG_ADVICE = """PostgreSQL is backed up with its own tools, consistently while the bot runs:
  pg_dump --format=custom --file=giamngheo-$(date +%F).dump "$DATABASE_URL"
and restored into an empty database (stop the bot first) with:
  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" giamngheo-YYYY-MM-DD.dump
(use a plain postgresql:// URL with pg_dump, without "+psycopg")."""


class BackupError(Exception):
    """The backup was not made; the message says why and what to do instead."""


@dataclass(frozen=True)
class BackupResult:
    source: Path
    target: Path
    size_bytes: int
    tables: int


def sqlite_file(url: str) -> Path:
    """The database file behind a SQLite URL; anything else is refused with advice."""
    parsed = make_url(normalise_url(url))
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        raise BackupError(PG_ADVICE)
    if backend != "sqlite":
        raise BackupError(f"backups of {backend} databases are not supported here: "
                          "use the database's own dump tool")
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(parsed.database)


def backup_database(url: str, target: Path | str, overwrite: bool = False,
                    busy_timeout_ms: int = 10_000) -> BackupResult:
    """Copy the live database at ``url`` to ``target`` (a new SQLite file)."""
    source, target = sqlite_file(url), Path(target)
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    if target.exists() and target.resolve() == source.resolve():
        raise BackupError("the backup must not overwrite the live database")
    if target.exists() and not overwrite:
        raise BackupError(f"{target} exists; choose another name or use --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                       dir=target.parent)
    os.close(handle)
    try:
        tables = _copy(source, Path(partial), busy_timeout_ms)
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return BackupResult(source, target, target.stat().st_size, tables)


def _copy(source: Path, partial: Path, busy_timeout_ms: int) -> int:
    """One backup step over all pages (a single consistent snapshot), then a check."""
    live = sqlite3.connect(source, timeout=busy_timeout_ms / 1000)
    copy = sqlite3.connect(partial)
    try:
        live.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        live.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"the copy failed its integrity check: {verdict}")
        count = copy.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
        return int(count.fetchone()[0])
    except sqlite3.Error as err:
        raise BackupError(f"the backup failed: {err}") from err
    finally:
        copy.close()
        live.close()
