"""The small-cell protection's labels, remembered per year by what decides them (kaa.masking.protect).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "skydd",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("nyckel", sa.String(64), nullable=False, unique=True),
        sa.Column("koder", sa.LargeBinary, nullable=False),
    )
