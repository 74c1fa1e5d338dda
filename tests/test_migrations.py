"""The migrations and the models agree; upgrades and downgrades work."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, text
from sqlmodel import SQLModel

from storage.db import alembic_config, make_engine, migrate, run_migration


def test_migrated_schema_matches_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_downgrade_to_base_and_back(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    migrate(engine)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() is not None


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_url(request: pytest.FixtureRequest, db_url: str) -> str:
    return db_url if request.param == "sqlite" else str(request.getfixturevalue("pg_url"))


def _at_0008(url: str) -> Any:
    """A database at 0008 holding a merged commune and records on it and on its successor."""
    engine = make_engine(url)
    run_migration(engine, lambda cfg: command.upgrade(cfg, "0008_channels"))
    t = MetaData()
    t.reflect(engine)
    at = datetime(2024, 5, 1, tzinfo=UTC)
    area = {"is_demo": False, "designations": [], "former_names": [], "parent_id": None,
            "valid_to": None, "successor_id": None}  # every row the same keys
    with engine.begin() as conn:
        conn.execute(t.tables["area"].insert(), [
            {**area, "id": 1, "code": "58", "name": "Tỉnh Ninh Thuận", "level": "province"},
            {**area, "id": 2, "code": "584", "name": "Huyện Bác Ái", "level": "district",
             "parent_id": 1},
            {**area, "id": 4, "code": "NEW", "name": "Xã Mới", "level": "commune",
             "parent_id": 2},
            {**area, "id": 3, "code": "22783", "name": "Xã Phước Bình", "level": "commune",
             "parent_id": 2, "valid_to": date(2025, 6, 30), "successor_id": 4},
            {**area, "id": 5, "code": "V1", "name": "Thôn Một", "level": "village",
             "parent_id": 3}])
        conn.execute(t.tables["user"].insert(), [
            {"id": 7, "role": "officer", "language": "vi", "muted": False, "reachable": True,
             "created_at": at, "area_id": 3}])
        conn.execute(t.tables["household"].insert(), [
            {"id": 8, "area_id": 5, "head_name": "A", "name_key": "a", "created_at": at,
             "updated_at": at}])
        conn.execute(t.tables["report"].insert(), [
            {"id": 9, "receipt": "R1", "area_id": 5, "project": "*", "period": "2024-05",
             "created_by": 7, "created_at": at, "sent_at": at, "version": 1}])
        conn.execute(t.tables["invite"].insert(), [
            {"code": "INV1", "role": "officer", "area_id": 4, "created_at": at,
             "expires_at": at}])
    return engine


def test_upgrade_to_epochs_keeps_every_record_on_its_unit(any_url: str) -> None:
    engine = _at_0008(any_url)
    migrate(engine)
    with engine.connect() as conn:
        areas = conn.execute(text("SELECT id, epoch, code, kind FROM area ORDER BY id")).all()
        assert [tuple(a) for a in areas] == [
            (1, "2023", "58", "tỉnh"), (2, "2023", "584", "huyện"), (3, "2023", "22783", "xã"),
            (4, "2023", "NEW", "xã"), (5, "2023", "V1", "thôn")]
        links = conn.execute(text("SELECT new_id, old_id, partial FROM arealineage")).all()
        assert [tuple(x) for x in links] == [(4, 3, False)]  # the successor_id, now lineage
        kept = [conn.execute(text(q)).scalar() for q in (
            "SELECT area_id FROM \"user\" WHERE id = 7", "SELECT area_id FROM household",
            "SELECT area_id FROM report", "SELECT area_id FROM invite")]
        assert kept == [3, 5, 5, 4]
        assert conn.execute(text("SELECT valid_to FROM area WHERE id = 3")).scalar() in (
            date(2025, 6, 30), "2025-06-30")


def test_downgrade_from_epochs_restores_the_successor(any_url: str) -> None:
    engine = _at_0008(any_url)
    migrate(engine)
    run_migration(engine, lambda cfg: command.downgrade(cfg, "0008_channels"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT successor_id FROM area WHERE id = 3")).scalar() == 4
        assert conn.execute(text("SELECT count(*) FROM household")).scalar() == 1
