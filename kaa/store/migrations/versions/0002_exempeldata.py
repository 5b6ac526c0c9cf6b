"""Sources say whether they are example data (every id a demo id), so every page can mark them.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("exempeldata", sa.Boolean, nullable=False, server_default=sa.false()))
    # Sources imported before this revision recorded the same finding as an import warning.
    op.execute("UPDATE sources SET exempeldata = TRUE WHERE varningar LIKE '%exempeldata%'")
