"""Figures per stadsdelsområde and per age: two more breakdowns of a figure, empty in every figure stored before.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    with op.batch_alter_table("facts") as batch:
        batch.add_column(sa.Column("stadsdel", sa.String(40)))
        batch.add_column(sa.Column("alder", sa.String(20)))
