"""report evidence (photos, albums, voice notes) and withdrawn "no change" reports

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_VERSIONS = sa.table("reportversion", sa.column("id", sa.Integer),
                     sa.column("photo_id", sa.String), sa.column("evidence", sa.JSON))


def upgrade() -> None:
    with op.batch_alter_table("reportversion", schema=None) as batch_op:
        batch_op.add_column(sa.Column("evidence", sa.JSON(), nullable=False,
                                      server_default="[]"))
    conn = op.get_bind()
    rows = conn.execute(sa.select(_VERSIONS.c.id, _VERSIONS.c.photo_id)
                        .where(_VERSIONS.c.photo_id.is_not(None))).all()
    for row_id, photo in rows:  # the one photo a version had becomes its evidence
        conn.execute(_VERSIONS.update().where(_VERSIONS.c.id == row_id)
                     .values(evidence=[{"kind": "photo", "refs": [photo]}]))
    with op.batch_alter_table("reportversion", schema=None) as batch_op:
        batch_op.alter_column("evidence", server_default=None)
        batch_op.drop_column("photo_id")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
    with op.batch_alter_table("reportversion", schema=None) as batch_op:
        batch_op.add_column(sa.Column("photo_id", sa.String(length=200), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.select(_VERSIONS.c.id, _VERSIONS.c.evidence)).all()
    for row_id, evidence in rows:  # the first photo survives a downgrade
        refs = [r for e in evidence or [] if e.get("kind") == "photo" for r in e["refs"]]
        if refs:
            conn.execute(_VERSIONS.update().where(_VERSIONS.c.id == row_id)
                         .values(photo_id=refs[0][:200]))
    with op.batch_alter_table("reportversion", schema=None) as batch_op:
        batch_op.drop_column("evidence")
