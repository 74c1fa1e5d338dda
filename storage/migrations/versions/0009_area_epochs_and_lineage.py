"""areas: epochs (a code is unique within its epoch only), the unit's kind, and a
many-to-many lineage table that replaces ``area.successor_id``

Existing units are the 2023 list: they get epoch "2023" and the kind their name starts with;
every successor_id becomes a (non-partial) lineage link. Households, reports, users, invites
and the other tables keep their area ids untouched, so each stays on its unit and epoch.
SQLite rebuilds ``area`` (batch mode) while rows point at it: ``storage.db.run_migration``
turns foreign keys off around the transaction and checks them all before committing.

Revision ID: 0009_area_epochs
Revises: 0008_channels
Create Date: 2026-12-03 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_area_epochs"
down_revision: str | None = "0008_channels"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("Thị trấn", "Thành phố", "Đặc khu", "Xã", "Phường", "Huyện", "Tỉnh", "Thôn")


def _fill_kinds() -> None:
    area = sa.table("area", sa.column("name", sa.String), sa.column("kind", sa.String))
    for kind in KINDS:
        op.execute(area.update().where(area.c.kind == "", area.c.name.like(kind + " %"))
                   .values(kind=kind.lower()))


def upgrade() -> None:
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.add_column(sa.Column("epoch", sa.String(length=8), nullable=False,
                                      server_default="2023"))
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=False,
                                      server_default=""))
        batch_op.drop_index(batch_op.f("ix_area_code"))
        batch_op.create_index(batch_op.f("ix_area_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_area_epoch"), ["epoch"], unique=False)
        batch_op.create_unique_constraint("uq_area_epoch_code", ["epoch", "code"])
    _fill_kinds()
    op.create_table(
        "arealineage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("new_id", sa.Integer(), nullable=False),
        sa.Column("old_id", sa.Integer(), nullable=False),
        sa.Column("partial", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["new_id"], ["area.id"]),
        sa.ForeignKeyConstraint(["old_id"], ["area.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("new_id", "old_id"),
    )
    with op.batch_alter_table("arealineage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_arealineage_new_id"), ["new_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_arealineage_old_id"), ["old_id"], unique=False)
    op.execute("INSERT INTO arealineage (new_id, old_id, partial) "
               "SELECT successor_id, id, false FROM area WHERE successor_id IS NOT NULL")
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.drop_column("successor_id")


def downgrade() -> None:
    """Only a database that holds the 2023 list alone can go back (codes were unique then);
    one successor per old unit is kept (a split keeps its first)."""
    bind = op.get_bind()
    later = bind.execute(sa.text("SELECT count(*) FROM area WHERE epoch <> '2023'")).scalar()
    if later:
        raise RuntimeError("units of epochs after 2023 exist: cannot go back to unique codes")
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.add_column(sa.Column("successor_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_area_successor_id_area", "area", ["successor_id"],
                                    ["id"])
    op.execute("UPDATE area SET successor_id = (SELECT min(l.new_id) FROM arealineage l "
               "WHERE l.old_id = area.id)")
    with op.batch_alter_table("arealineage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_arealineage_old_id"))
        batch_op.drop_index(batch_op.f("ix_arealineage_new_id"))
    op.drop_table("arealineage")
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.drop_constraint("uq_area_epoch_code", type_="unique")
        batch_op.drop_index(batch_op.f("ix_area_epoch"))
        batch_op.drop_index(batch_op.f("ix_area_code"))
        batch_op.create_index(batch_op.f("ix_area_code"), ["code"], unique=True)
        batch_op.drop_column("kind")
        batch_op.drop_column("epoch")
