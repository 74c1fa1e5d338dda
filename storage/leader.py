"""One scheduler ticks: leadership by a PostgreSQL advisory lock (released by the server
when the holder's connection ends, so a standby takes over after a crash) or, on SQLite, by
an exclusive lock on a file beside the database (released by the OS when the process dies)."""

from __future__ import annotations

import fcntl
import zlib
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, text

# pg_try_advisory_lock(int4, int4): this key and the schema's hash (one leader per schema)
LOCK_ID = zlib.crc32(b"giamngheo-scheduler") & 0x7FFFFFFF


class Leader:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Any = None
        self._file: IO[bytes] | None = None

    @property
    def is_leader(self) -> bool:
        return self._conn is not None or self._file is not None

    def try_acquire(self) -> bool:
        """Become the leader if nobody is; cheap to call on every tick."""
        if self.is_leader:
            return True
        if self.engine.dialect.name == "postgresql":
            return self._try_pg()
        return self._try_file()

    def _try_pg(self) -> bool:
        conn = self.engine.connect()
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k, hashtext(current_schema()))"),
                           {"k": LOCK_ID}).scalar()
        conn.commit()
        if got:
            self._conn = conn
        else:
            conn.close()
        return bool(got)

    def _try_file(self) -> bool:
        database = self.engine.url.database or ""
        if database in ("", ":memory:"):
            self._file = open("/dev/null", "rb")  # noqa: SIM115 - a private in-memory db
            return True
        handle = Path(database + ".scheduler.lock").open("ab")  # noqa: SIM115 - held open
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        if self._conn is not None:
            self._conn.execute(text("SELECT pg_advisory_unlock(:k, hashtext(current_schema()))"),
                               {"k": LOCK_ID})
            self._conn.invalidate()  # a pooled connection would keep the session alive
            self._conn = None
        if self._file is not None:
            self._file.close()  # closing the descriptor drops the flock
            self._file = None
