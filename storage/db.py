"""Engine set-up: SQLite by default (WAL, busy timeout), any SQLAlchemy URL by setting.

Alembic migrations run automatically on first use.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

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


def _wrapped(err: sqlite3.Error, sql: str, conn: Any) -> BaseException:
    """A driver error met outside ``conn.execute``, raised as SQLAlchemy would raise it
    (``OperationalError`` for a locked or read-only database), parameters hidden."""
    return DBAPIError.instance(sql, None, err, sqlite3.Error, hide_parameters=True,
                               dialect=conn.dialect)


class _Turns:
    """SQLite writes one transaction at a time. Threads of this process take turns on a lock
    before ``BEGIN IMMEDIATE`` instead of SQLite's growing busy-wait sleeps, which let a busy
    thread starve another (the outbox sender behind the chats); a turn ends once SQLite has
    committed or rolled back. Other processes still wait on SQLite's busy timeout."""

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
            conn.connection.driver_connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            self.end(conn)
            raise _wrapped(err, "BEGIN IMMEDIATE", conn) from err
        except BaseException:
            self.end(conn)
            raise

    def end(self, conn: Any) -> None:
        if conn.invalidated:  # its record's "invalidate" event has ended the turn
            return
        self.release(conn.info)

    def commit(self, conn: Any) -> None:
        """SQLAlchemy announces a commit before it makes it: commit here, then end the turn,
        so the next transaction never finds SQLite's write lock still held (SQLite's busy
        handler would then sleep for milliseconds). SQLAlchemy's own commit is a no-op."""
        if conn.invalidated:
            return
        try:
            conn.connection.driver_connection.commit()
        except sqlite3.Error as err:  # the turn ends with the rollback that follows
            raise _wrapped(err, "COMMIT", conn) from err
        self.release(conn.info)

    def rollback(self, conn: Any) -> None:
        """Likewise: roll back, then end the turn."""
        if conn.invalidated:
            return
        try:
            conn.connection.driver_connection.rollback()
        finally:
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
        event.listen(engine, "commit", turns.commit)
        event.listen(engine, "rollback", turns.rollback)
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
    run_migration(engine, lambda cfg: command.upgrade(cfg, "head"))


def run_migration(engine: Engine, step: Callable[[Config], None]) -> None:
    """Run an Alembic command in one transaction. On SQLite, foreign keys are off while it
    runs (batch mode rebuilds tables that other rows point at, as SQLite's own procedure for
    altering a table says) and every key is checked before the commit."""
    cfg = alembic_config()
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        raw: Any = conn.connection.driver_connection if sqlite else None
        if sqlite:  # outside any transaction, where SQLite honours the pragma
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                step(cfg)
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise RuntimeError("the migration left rows pointing at nothing")
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys=ON")


class Prepared:
    """A Core statement run straight on the SQLite driver, inside the caller's transaction.

    SQLAlchemy's per-execution bookkeeping (execution context, result wrapping, events)
    costs more than SQLite itself for the few statements of every chat step. This compiles
    the statement once and converts parameters and result values with the columns' own type
    processors (JSON, UTC date-times), so what is stored is what ``conn.execute`` would
    store. Other databases go through ``conn.execute``; a driver error is raised as
    SQLAlchemy's (``OperationalError`` and so on), parameters hidden."""

    def __init__(self, stmt: Any) -> None:
        self.stmt = stmt
        self._plan: tuple[Any, str, list[tuple[str, Any]], list[Any]] | None = None

    def _compiled(self, dialect: Any) -> tuple[Any, str, list[tuple[str, Any]], list[Any]]:
        if self._plan is None or self._plan[0] is not dialect:
            compiled = self.stmt.compile(dialect=dialect)
            binds = [(name, compiled.binds[name].type.dialect_impl(dialect)
                      .bind_processor(dialect)) for name in compiled.positiontup or ()]
            columns = self.stmt.selected_columns if hasattr(self.stmt, "selected_columns") \
                else ()
            results = [c.type.dialect_impl(dialect).result_processor(dialect, None)
                       for c in columns]
            self._plan = (dialect, compiled.string, binds, results)
        return self._plan

    def _run(self, conn: Connection, params: dict[str, Any]) -> sqlite3.Cursor:
        _, sql, binds, _ = self._compiled(conn.dialect)
        values = [params[name] if proc is None else proc(params[name]) for name, proc in binds]
        try:
            return conn.connection.driver_connection.execute(sql, values)  # type: ignore[union-attr]
        except sqlite3.Error as err:
            raise _wrapped(err, sql, conn) from err

    def first(self, conn: Connection, params: dict[str, Any]) -> tuple[Any, ...] | None:
        """The first row, values converted as SQLAlchemy would (or None)."""
        if conn.dialect.name != "sqlite":
            found = conn.execute(self.stmt, params).first()
            return None if found is None else tuple(found)
        row = self._run(conn, params).fetchone()
        if row is None:
            return None
        results = self._compiled(conn.dialect)[3]
        return tuple(v if p is None else p(v) for v, p in zip(row, results, strict=True))

    def run(self, conn: Connection, params: dict[str, Any]) -> int:
        """Run a write; the number of rows it changed."""
        if conn.dialect.name != "sqlite":
            return int(conn.execute(self.stmt, params).rowcount)
        return int(self._run(conn, params).rowcount)
