"""The first schema: sources, their facts, and the append-only event log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None

APPEND_ONLY_SQLITE = """
CREATE TRIGGER events_no_{what} BEFORE {WHAT} ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END
"""
APPEND_ONLY_POSTGRES = (
    "CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'the event log is append-only'; END $$",
    "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
    "FOR EACH ROW EXECUTE FUNCTION events_append_only()",
)


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("filnamn", sa.String(300), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("importerad", sa.String(19), nullable=False),
        sa.Column("ar", sa.String(200), nullable=False),
        sa.Column("rader", sa.Integer, nullable=False),
        sa.Column("varningar", sa.Text, nullable=False),
        sa.Column("aktiv", sa.Boolean, nullable=False),
        sa.Column("typ", sa.String(20), nullable=False),
    )
    op.create_table(
        "facts",
        sa.Column("source_pk", sa.Integer, sa.ForeignKey("sources.pk", ondelete="CASCADE"), nullable=False),
        sa.Column("ar", sa.Integer, nullable=False),
        sa.Column("jobbtorg", sa.String(100)),
        sa.Column("kon", sa.String(20)),
        sa.Column("verksamhet", sa.String(40), nullable=False),
        sa.Column("measure", sa.String(60), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("noggrannhet", sa.String(20), nullable=False),
        sa.Column("kalla", sa.Text, nullable=False),
        sa.Column("anmarkning", sa.Text, nullable=False),
    )
    op.create_index("ix_facts_source_pk", "facts", ["source_pk"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("source_id", sa.String(64)),
        sa.Column("sha256", sa.String(64)),
        sa.Column("rows", sa.Integer),
        sa.Column("years", sa.String(200)),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in APPEND_ONLY_POSTGRES:
            op.execute(statement)
    else:
        for what in ("update", "delete"):
            op.execute(APPEND_ONLY_SQLITE.format(what=what, WHAT=what.upper()))
