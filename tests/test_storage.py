"""One storage contract, run on SQLite and on PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import func, select

from bot.base.clock import aware
from bot.base.messages import ConversationKey
from storage.models import Area, AreaLevel, Conversation, Identity, MessageLog, User
from storage.repo import (
    ConcurrentUpdate,
    Store,
    area_path,
    load_chat,
    log_exchange,
    save_conversation,
    user_for,
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_store(request: pytest.FixtureRequest, db_url: str) -> Store:
    if request.param == "sqlite":
        return Store.open(db_url)
    return Store.open(request.getfixturevalue("pg_url"))


def count(store: Store, level: AreaLevel, demo: bool = False, epoch: str = "2023") -> int:
    with store.session() as s:
        query = select(func.count()).select_from(Area).where(
            Area.level == level, Area.is_demo == demo, Area.epoch == epoch)
        return s.exec(query).one()


def test_bundled_areas_of_the_plan(any_store: Store) -> None:
    assert count(any_store, AreaLevel.PROVINCE) == 1
    assert count(any_store, AreaLevel.DISTRICT) == 7
    assert count(any_store, AreaLevel.COMMUNE) == 65
    assert count(any_store, AreaLevel.VILLAGE, demo=True) >= 2
    assert count(any_store, AreaLevel.VILLAGE, demo=False) == 0  # only demo villages


def test_every_epoch_of_the_reform(any_store: Store) -> None:
    """2025-01: the 62 units of the conversion table, still under districts; 2025-07: the 24
    new units directly under Tỉnh Khánh Hòa, no districts."""
    assert count(any_store, AreaLevel.DISTRICT, epoch="2025-01") == 7
    assert count(any_store, AreaLevel.COMMUNE, epoch="2025-01") == 62
    assert count(any_store, AreaLevel.DISTRICT, epoch="2025-07") == 0
    assert count(any_store, AreaLevel.COMMUNE, epoch="2025-07") == 24
    with any_store.session() as s:
        new = s.exec(select(Area).where(Area.epoch == "2025-07")).all()
        province = next(a for a in new if a.level == AreaLevel.PROVINCE)
        assert (province.code, province.name, province.kind) == ("56", "Tỉnh Khánh Hòa", "tỉnh")
        communes = [a for a in new if a.level == AreaLevel.COMMUNE]
        assert {a.parent_id for a in communes} == {province.id}
        assert sorted(Counter(a.kind for a in communes).items()) == [("phường", 5), ("xã", 19)]
        assert {a.valid_from for a in new} == {date(2025, 7, 1)}
        assert {a.valid_to for a in new} == {None}
        old = s.exec(select(Area).where(Area.epoch != "2025-07", Area.is_demo == False)).all()  # noqa: E712
        assert {a.valid_to for a in old} == {date(2025, 6, 30), date(2024, 12, 31)}


def test_a_code_is_unique_only_within_its_epoch(any_store: Store) -> None:
    with any_store.session() as s:
        same = s.exec(select(Area).where(Area.code == "22786").order_by(Area.epoch)).all()
        assert [(a.epoch, a.name) for a in same] == [
            ("2023", "Xã Phước Hòa"), ("2025-01", "Xã Phước Hòa"), ("2025-07", "Xã Bác Ái Tây")]
    with pytest.raises(IntegrityError), any_store.session() as s:
        s.add(Area(epoch="2025-07", code="22786", name="Xã Trùng Mã", level=AreaLevel.COMMUNE))
        s.flush()


def test_designations_are_data(any_store: Store) -> None:
    with any_store.session() as s:
        bac_ai = s.exec(select(Area).where(Area.code == "584", Area.epoch == "2023")).one()
        phuoc_dinh = s.exec(select(Area).where(Area.code == "22903",
                                               Area.epoch == "2023")).one()
        assert "poor_district" in bac_ai.designations
        assert "disadvantaged_coastal_commune" in phuoc_dinh.designations


def test_opening_twice_adds_nothing(any_store: Store) -> None:
    from storage.lineage import AreaLineage
    from storage.seed import seed_areas

    with any_store.session() as s:
        before = s.exec(select(func.count()).select_from(AreaLineage)).one()
        seed_areas(s, demo=True)
    assert count(any_store, AreaLevel.COMMUNE) == 65
    assert count(any_store, AreaLevel.COMMUNE, epoch="2025-07") == 24
    with any_store.session() as s:
        assert s.exec(select(func.count()).select_from(User)).one() == 4
        assert s.exec(select(func.count()).select_from(AreaLineage)).one() == before


def test_two_level_structure_and_merge_keep_history(any_store: Store) -> None:
    """Since July 2025: province → commune → village; a merged commune keeps its records."""
    from storage.lineage import current_units, find_area

    with any_store.session() as s:
        old = find_area(s, "2023", "22783")
        assert old is not None and old.id is not None
        [now] = current_units(s, old.id)
        assert (now.area.epoch, now.area.name, now.partial) == ("2025-07", "Xã Bác Ái Tây", False)
        village = Area(epoch="2025-07", code="V-1", name="Thôn 1", level=AreaLevel.VILLAGE,
                       parent_id=now.area.id)
        s.add(village)
        s.flush()
        path = area_path(s.connection(), village.id)
        assert [a.level for a in path] == ["village", "commune", "province"]
        assert s.get(Area, old.id).valid_to == date(2025, 6, 30)  # closed, not deleted


def test_users_identities_and_conversations(any_store: Store) -> None:
    key = ConversationKey("telegram", "123", "123")
    with any_store.session() as s:
        user = user_for(s, key, "vi")
        assert user.role == "citizen"
        assert user_for(s, key, "en").id == user.id  # same account, same user
    with any_store.begin() as conn:
        account, chat = load_chat(conn, key, "en")
        assert account.id == user.id and account.language == "vi"
        chat.dialog = {"dialog": "x", "step": "a", "answers": {"n": 1}}
        save_conversation(conn, chat)
    with any_store.begin() as conn:
        assert load_chat(conn, key, "vi")[1].dialog == {"dialog": "x", "step": "a",
                                                         "answers": {"n": 1}}
    with any_store.session() as s:
        identities = s.exec(select(Identity).where(Identity.external_id == "123")).all()
        assert len(identities) == 1
        assert len(s.exec(select(Conversation).where(Conversation.chat_id == "123")).all()) == 1


def test_sqlite_runs_in_wal_mode(db_url: str) -> None:
    store = Store.open(db_url)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000


def test_sqlite_turns_survive_errors_and_invalidated_connections(db_url: str) -> None:
    """The in-process write turn is always given back (else every later write would wait)."""
    from sqlalchemy import text

    from storage.db import make_engine

    engine = make_engine(db_url)
    broken = engine.connect()
    broken.execute(text("SELECT 1"))
    broken.invalidate()
    broken.close()
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT * FROM no_such_table"))
    except Exception as err:
        assert "no_such_table" in str(err)
    with engine.begin() as conn:  # would wait 10 s and fail if a turn had leaked
        assert conn.execute(text("SELECT 1")).scalar() == 1


def test_chat_step_statements_store_what_the_orm_reads(any_store: Store) -> None:
    """The chat step's own statements (driver-level on SQLite) keep the ORM's formats."""
    key = ConversationKey("telegram", "77", "77")
    when = datetime(2026, 3, 5, 1, 2, 3, 456789, tzinfo=UTC)
    with any_store.begin() as conn:
        account, chat = load_chat(conn, key, "en")
        assert (account.role, account.language, chat.dialog, chat.buttons, chat.version) == (
            "citizen", "en", None, [], 0)
        chat.dialog = {"dialog": "x", "answers": {"tên": "Nguyễn Thị Lan", "n": 3}}
        chat.buttons, chat.updated_at = [["Có", "dlg:yes", True]], when
        save_conversation(conn, chat)
        log_exchange(conn, channel="telegram", user_id=account.id, direction="in",
                     kind="text", command=None, dialog="x", step="a", length=12, at=when)
    with any_store.session() as s:
        conv = s.exec(select(Conversation).where(Conversation.chat_id == "77")).one()
        assert (conv.dialog, conv.buttons, conv.version) == (chat.dialog, chat.buttons, 1)
        assert aware(conv.updated_at) == when
        logged = s.exec(select(MessageLog).where(MessageLog.user_id == account.id)).one()
        assert (aware(logged.at), logged.kind, logged.length) == (when, "text", 12)
    with any_store.begin() as conn:
        again, read = load_chat(conn, key, "vi")
        assert again == account
        assert (read.dialog, read.buttons, read.version) == (chat.dialog, chat.buttons, 1)
        assert aware(read.updated_at) == when
        with pytest.raises(ConcurrentUpdate):  # read before the save above: stale
            save_conversation(conn, replace(read, version=0))


def test_driver_errors_are_raised_as_sqlalchemy_errors(store: Store) -> None:
    with pytest.raises(OperationalError, match="readonly"), store.begin() as conn:
        conn.exec_driver_sql("PRAGMA query_only=ON")
        log_exchange(conn, channel="memory", user_id=None, direction="in", kind="text",
                     command=None, dialog=None, step=None, length=0, at=datetime.now(UTC))


def test_a_turn_ends_only_once_sqlite_has_committed(store: Store, db_url: str) -> None:
    """The next transaction in this process must find SQLite's write lock free: had the turn
    ended before the COMMIT, its BEGIN IMMEDIATE would wait on SQLite's busy handler."""
    seen: list[str] = []
    other = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None,
                            timeout=0)

    def after_turn(_conn: object) -> None:  # runs after the store's own commit listener
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            seen.append("free")
        except sqlite3.OperationalError as err:
            seen.append(str(err))

    event.listen(store.engine, "commit", after_turn)
    with store.begin() as conn:
        log_exchange(conn, channel="memory", user_id=None, direction="in", kind="text",
                     command=None, dialog=None, step=None, length=0, at=datetime.now(UTC))
    other.close()
    assert seen == ["free"]
