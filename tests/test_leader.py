"""One scheduler ticks: a second process stands by and takes over when the leader goes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from storage.leader import Leader
from storage.repo import Store
from tests.test_storage import any_store  # noqa: F401  (SQLite and PostgreSQL)


def test_only_one_leader_and_takeover(any_store: Store) -> None:  # noqa: F811
    first, second = Leader(any_store.engine), Leader(any_store.engine)
    assert first.try_acquire() and first.try_acquire()  # re-entrant for the holder
    assert not second.try_acquire()
    first.release()
    assert second.try_acquire()
    second.release()


def test_a_killed_leader_is_replaced(tmp_path: Path) -> None:
    """A real process holds the SQLite lock; when it is killed, this one becomes leader."""
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    store = Store.open(url)
    code = ("import sys, time\nfrom storage.repo import Store\nfrom storage.leader import Leader\n"
            f"l = Leader(Store.open({url!r}).engine)\nprint(l.try_acquire(), flush=True)\n"
            "time.sleep(60)\n")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "True"
        assert not Leader(store.engine).try_acquire()
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert Leader(store.engine).try_acquire()
