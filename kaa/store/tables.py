"""The store's tables, declared once for SQLite and PostgreSQL (SQLAlchemy Core).

Only aggregated counts and the record of who changed what are stored: never a row about a person.
The migrations in `migrations/versions/` create exactly these tables; a test checks they agree.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

sources = sa.Table(
    "sources", metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),  # import order: newest wins
    sa.Column("id", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("filnamn", sa.String(300), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("importerad", sa.String(19), nullable=False),  # local time, ISO 8601 to the second
    sa.Column("ar", sa.String(200), nullable=False),  # the years it holds, "2019,2020"
    sa.Column("rader", sa.Integer, nullable=False),
    sa.Column("varningar", sa.Text, nullable=False),  # JSON list of Swedish sentences
    sa.Column("aktiv", sa.Boolean, nullable=False),
    sa.Column("typ", sa.String(20), nullable=False),
    sa.Column("exempeldata", sa.Boolean, nullable=False, server_default=sa.false()),  # every id a demo id
)

facts = sa.Table(
    "facts", metadata,
    sa.Column("source_pk", sa.Integer, sa.ForeignKey("sources.pk", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("ar", sa.Integer, nullable=False),
    sa.Column("jobbtorg", sa.String(100)),
    sa.Column("kon", sa.String(20)),
    sa.Column("stadsdel", sa.String(40)),
    sa.Column("alder", sa.String(20)),
    sa.Column("period", sa.String(7)),  # a month "2021-03"; empty: the whole statistics year
    sa.Column("verksamhet", sa.String(40), nullable=False),
    sa.Column("measure", sa.String(60), nullable=False),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("noggrannhet", sa.String(20), nullable=False),
    sa.Column("kalla", sa.Text, nullable=False),
    sa.Column("anmarkning", sa.Text, nullable=False),
)

events = sa.Table(  # append-only: triggers refuse UPDATE and DELETE
    "events", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(32), nullable=False),  # UTC, ISO 8601
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),  # import, activate, deactivate, remove, migrate
    sa.Column("source_id", sa.String(64)),
    sa.Column("sha256", sa.String(64)),
    sa.Column("rows", sa.Integer),
    sa.Column("years", sa.String(200)),
    sa.Column("detail", sa.Text, nullable=False, server_default=""),
)

skydd = sa.Table(  # derived from the facts, safe to lose: each year's protection labels, one code per figure
    "skydd", metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("nyckel", sa.String(64), nullable=False, unique=True),  # masking._year_key
    sa.Column("koder", sa.LargeBinary, nullable=False),  # 0 shown, 1 <N, 2 .. per figure, in the year's order
)

FACT_FIELDS = ("ar", "jobbtorg", "kon", "stadsdel", "alder", "period", "verksamhet", "measure", "value", "noggrannhet", "kalla", "anmarkning")
