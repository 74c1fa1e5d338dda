"""`giamngheo backup FILE`: a consistent online copy of SQLite; PostgreSQL gets pg_dump advice.

The copy is made while another thread keeps writing pairs of rows, one pair a transaction:
a consistent copy holds whole pairs only. No timing is asserted: threads wait on events.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import func, select

from bot.base.messages import ConversationKey, Incoming, Text
from bot.core.app import App
from handlers import build_registry
from storage.backup import BackupError, backup_database
from storage.models import MessageLog, Report
from storage.repo import Store
from tests.security.world import DA5
from tests.test_cli import run
from tests.test_report import talk

PAIR = "backup-pair"


class PairWriter(threading.Thread):
    """Commits two rows a transaction until told to stop; counts commits and errors."""

    def __init__(self, store: Store) -> None:
        super().__init__(daemon=True)
        self.store, self.commits = store, 0
        self.errors: list[BaseException] = []
        self.stop, self.progress = threading.Event(), threading.Condition()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                with self.store.session() as s:
                    now = datetime.now(UTC)
                    s.add_all([MessageLog(channel=PAIR, direction="in", kind="text", at=now),
                               MessageLog(channel=PAIR, direction="out", kind="reply", at=now)])
            except BaseException as err:
                self.errors.append(err)
                return
            with self.progress:
                self.commits += 1
                self.progress.notify_all()

    def wait_for(self, commits: int) -> None:
        with self.progress:
            assert self.progress.wait_for(lambda: self.commits >= commits or bool(self.errors),
                                          timeout=120)


def pairs(store: Store) -> int:
    with store.session() as s:
        return int(s.exec(select(func.count()).select_from(MessageLog)
                          .where(MessageLog.channel == PAIR)).one())


async def test_backup_while_the_bot_writes(make_bot, store: Store, db_url: str,
                                           tmp_path: Path, clock) -> None:
    replies = await talk(make_bot("ctv-demo"), ["/baocao", DA5, "3", "2", "Bỏ qua", "Bỏ qua",
                                                "Đồng ý"])
    receipt = replies[-1].text.split("Mã biên nhận: ")[1].split()[0].rstrip(".,")
    writer = PairWriter(store)
    writer.start()
    writer.wait_for(20)
    done = backup_database(db_url, tmp_path / "backups" / "copy.db")
    seen = writer.commits
    writer.wait_for(seen + 20)  # the bot kept writing during and after the copy
    writer.stop.set()
    writer.join()
    assert writer.errors == []
    assert done.tables > 10 and done.size_bytes > 0
    copy = Store.open(f"sqlite:///{done.target}")
    with copy.session() as s:
        assert s.exec(select(Report).where(Report.receipt == receipt)).one().project == "DA5"
    copied = pairs(copy)
    assert copied % 2 == 0 and 40 <= copied <= 2 * writer.commits  # whole transactions only
    assert pairs(store) == 2 * writer.commits
    restored = tmp_path / "restored.db"  # restore: copy the file in place and point at it
    shutil.copyfile(done.target, restored)
    again = App(Store.open(f"sqlite:///{restored}"), build_registry(), clock=clock)
    key = ConversationKey("memory", "ctv-demo", "ctv-demo")
    assert receipt in again.handle(Incoming(key, Text("/baocaocuatoi")))[0].text


def test_the_copy_is_one_self_contained_file(store: Store, db_url: str, tmp_path: Path) -> None:
    done = backup_database(db_url, tmp_path / "copy.db")
    assert not Path(f"{done.target}-wal").exists()
    with sqlite3.connect(done.target) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_refusals(store: Store, db_url: str, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    backup_database(db_url, target)
    with pytest.raises(BackupError, match="--force"):
        backup_database(db_url, target)
    assert backup_database(db_url, target, overwrite=True).target == target
    live = Path(db_url.removeprefix("sqlite:///"))
    with pytest.raises(BackupError, match="live database"):
        backup_database(db_url, live, overwrite=True)
    with pytest.raises(BackupError, match="no database"):
        backup_database(f"sqlite:///{tmp_path / 'missing.db'}", tmp_path / "x.db")
    assert not (tmp_path / "missing.db").exists()
    with pytest.raises(BackupError, match="in-memory"):
        backup_database("sqlite://", tmp_path / "y.db")
    with pytest.raises(BackupError, match="pg_dump") as refused:
        backup_database("postgresql://root@127.0.0.1:5432/test", tmp_path / "z.db")
    assert "pg_restore" in str(refused.value)


def test_cli_backup_and_restore(tmp_path: Path) -> None:
    assert run(["chat", "--user", "ctv-demo"], "/start\n", tmp_path).returncode == 0
    done = run(["backup", "backups/copy.db"], "", tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "backups" / "copy.db").is_file() and "copy.db" in done.stdout
    again = run(["backup", "backups/copy.db"], "", tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr
    url = f"sqlite:///{tmp_path / 'backups' / 'copy.db'}"
    chat = run(["chat", "--user", "ctv-demo"], "/start\n", tmp_path, GIAMNGHEO_DATABASE_URL=url)
    assert chat.returncode == 0 and "Thôn Mẫu Một" in chat.stdout
    pg = run(["backup", "x.db"], "", tmp_path,
             GIAMNGHEO_DATABASE_URL="postgresql://root@127.0.0.1:5432/test")
    assert pg.returncode == 2 and "pg_dump" in pg.stderr and not (tmp_path / "x.db").exists()
