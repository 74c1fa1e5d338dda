"""channels: updates set aside with a reason, albums held until quiet, the chat of each
update, media downloads off the update path, sends whose outcome is uncertain

Revision ID: 0008_channels
Revises: 0007_web
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_channels"
down_revision: str | None = "0007_web"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mediadownload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("ref", sa.Text(), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("path"),
    )
    with op.batch_alter_table("mediadownload", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mediadownload_status"), ["status"], unique=False)
    with op.batch_alter_table("inboundupdate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chat_id", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("group_key", sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column("hold_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reason", sa.String(length=300), nullable=True))
        batch_op.create_index(batch_op.f("ix_inboundupdate_group_key"), ["group_key"],
                              unique=False)
    with op.batch_alter_table("outboxmessage", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uncertain", sa.Integer(), nullable=False,
                                      server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("outboxmessage", schema=None) as batch_op:
        batch_op.drop_column("uncertain")
    with op.batch_alter_table("inboundupdate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inboundupdate_group_key"))
        batch_op.drop_column("reason")
        batch_op.drop_column("hold_until")
        batch_op.drop_column("group_key")
        batch_op.drop_column("chat_id")
    with op.batch_alter_table("mediadownload", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediadownload_status"))
    op.drop_table("mediadownload")
