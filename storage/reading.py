"""Read-only units of work beside the writers (the web dashboard's pages).

On SQLite every unit of work of ``Store`` takes the write lock up front (``BEGIN
IMMEDIATE``), so that writers never fail half-way. A page that only reads must not hold
that lock while it renders: this engine opens plain deferred transactions, which in WAL
mode read one consistent snapshot without waiting for, or blocking, the bot's writers.
``PRAGMA query_only`` makes an accidental write fail. Other databases read under MVCC
anyway: there the store's own engine is used.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session


def _pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # transactions are begun below, deferred
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA query_only=ON")
    cur.close()


def _begin(conn: Any) -> None:
    conn.connection.driver_connection.execute("BEGIN")


def reader(engine: Engine) -> Engine:
    """An engine for reading the same database as ``engine``."""
    if engine.dialect.name != "sqlite":
        return engine
    found = create_engine(engine.url, connect_args={"check_same_thread": False, "timeout": 10},
                          hide_parameters=True)
    event.listen(found, "connect", _pragmas)
    event.listen(found, "begin", _begin)
    return found


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A session that reads one snapshot and writes nothing: closing it ends (rolls back)
    the transaction and leaves what was read usable."""
    with Session(engine, expire_on_commit=False) as session:
        yield session
