"""indexes for a season of 130,000 teams: the countries of a contest's teams, and on PostgreSQL trigram
indexes for the team lists' searches by part of a team's name or number or a member's name

Revision ID: 0014_season_indexes
Revises: 0013_jobs
Create Date: 2026-12-06 15:45:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0014_season_indexes"
down_revision = "0013_jobs"
branch_labels = None
depends_on = None

#: (index, table, column): GIN trigram indexes, PostgreSQL only.
TRIGRAM_INDEXES = [
    ("ix_teams_name_trgm", "teams", "name"),
    ("ix_teams_number_trgm", "teams", "number"),
    ("ix_team_members_name_trgm", "team_members", "name"),
]


def upgrade():
    if op.get_context().dialect.name != "postgresql":
        op.create_index("ix_teams_contest_country", "teams", ["contest_id", "country"])
        return
    # Outside the migration's transaction, CONCURRENTLY: building them never locks out the writes of a
    # season under way (registrations, imports).
    with op.get_context().autocommit_block():
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        # The operator class named where the extension lives, whatever the search path of this connection.
        schema = op.get_bind().execute(
            sa.text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")
        ).scalar()
        op.execute("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_teams_contest_country ON teams (contest_id, country)")
        for index, table, column in TRIGRAM_INDEXES:
            op.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {index} ON {table} USING gin ({column} {schema}.gin_trgm_ops)"
            )


def downgrade():
    if op.get_context().dialect.name != "postgresql":
        op.drop_index("ix_teams_contest_country", table_name="teams")
        return
    with op.get_context().autocommit_block():
        for index, _table, _column in TRIGRAM_INDEXES:
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {index}")
        op.execute("DROP INDEX CONCURRENTLY IF EXISTS ix_teams_contest_country")
