"""Engine set-up: SQLite by default (WAL, busy timeout), any SQLAlchemy URL by setting.

Alembic migrations run automatically on first use.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).parent / "migrations"


class _NoRows(logging.Filter):
    """SQL logging (sqlalchemy.engine at DEBUG) shows statements, never the data: parameters
    are hidden by the engines (hide_parameters) and result rows are dropped here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(("Row ", "Col "))


logging.getLogger("sqlalchemy.engine.Engine").addFilter(_NoRows())


def normalise_url(url: str) -> str:
    """Let ``postgresql://`` mean psycopg 3, the driver this project installs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # SQLAlchemy, not the driver, opens transactions
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


class _Turns:
    """SQLite writes one transaction at a time. Threads of this process take turns here (a
    queue) before ``BEGIN IMMEDIATE`` instead of SQLite's growing busy-wait sleeps, which let
    a busy thread starve another (the outbox sender behind the chats). Other processes still
    wait on SQLite's busy timeout."""

    def __init__(self, timeout_s: float = 10.0) -> None:
        self.lock = threading.Lock()
        self.timeout_s = timeout_s

    def begin(self, conn: Any) -> None:
        if not self.lock.acquire(timeout=self.timeout_s):
            raise sqlite3.OperationalError("database is locked (waited for this process)")
        conn.info["turn"] = True
        try:
            # Take SQLite's write lock now: a transaction that read first and writes later
            # could otherwise fail at once with "database is locked" (the busy timeout does
            # not apply to upgrading a read snapshot).
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self.end(conn)
            raise

    def end(self, conn: Any) -> None:
        if conn.invalidated:  # its record's "invalidate" event has ended the turn
            return
        self.release(conn.info)

    def release(self, info: dict[str, Any]) -> None:
        if info.pop("turn", False):
            self.lock.release()

    def on_checkin(self, _dbapi_conn: Any, record: Any, *_exc: Any) -> None:
        """Safety net: a connection returned to the pool or invalidated ends its turn."""
        self.release(record.info)


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10},
                               hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        turns = _Turns()
        event.listen(engine, "begin", turns.begin)
        event.listen(engine, "commit", turns.end)
        event.listen(engine, "rollback", turns.end)
        event.listen(engine.pool, "checkin", turns.on_checkin)
        event.listen(engine.pool, "invalidate", turns.on_checkin)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)  # no data in logs


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (cheap when it already is)."""
    cfg = alembic_config()
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current == head:
        return
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
