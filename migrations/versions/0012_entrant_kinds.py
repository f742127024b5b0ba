"""entrants of every kind: a track's entrant kind and size; a team's country, answers and organization; a
person's nationality; proposed institutions; a contest's language and its own registration questions

Revision ID: 0012_entrant_kinds
Revises: 0011_award_amounts
Create Date: 2026-12-06 12:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0012_entrant_kinds"
down_revision = "0011_award_amounts"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contests") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=5), nullable=False, server_default="zh"))
    with op.batch_alter_table("tracks") as batch_op:
        batch_op.add_column(sa.Column("entrant", sa.String(length=20), nullable=False, server_default="team"))
        batch_op.add_column(sa.Column("min_members", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("max_members", sa.Integer(), nullable=True))
    with op.batch_alter_table("colleges") as batch_op:
        batch_op.add_column(sa.Column("verified", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("website", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("proposed_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_colleges_proposed_by_id_users", "users", ["proposed_by_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("teams") as batch_op:
        batch_op.alter_column("college_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("country", sa.String(length=2), nullable=False, server_default="CN"))
        batch_op.add_column(sa.Column("answers", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
        batch_op.create_index("ix_teams_country", ["country"])
    op.execute("UPDATE teams SET country = (SELECT colleges.country FROM colleges WHERE colleges.id = teams.college_id)")
    with op.batch_alter_table("team_members") as batch_op:
        batch_op.alter_column("college_id", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("student_id", existing_type=sa.String(length=30), nullable=True)
        batch_op.add_column(sa.Column("nationality", sa.String(length=2), nullable=False, server_default="CN"))
    op.execute(
        "UPDATE team_members SET nationality = "
        "(SELECT colleges.country FROM colleges WHERE colleges.id = team_members.college_id)"
    )
    with op.batch_alter_table("advisors") as batch_op:
        batch_op.add_column(sa.Column("nationality", sa.String(length=2), nullable=False, server_default="CN"))
    op.create_table(
        "organizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("contact_name", sa.String(length=50), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("contact_phone", sa.String(length=20), nullable=False),
        sa.Column("contact_nationality", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name="fk_organizations_team_id_teams", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_organizations"),
        sa.UniqueConstraint("team_id", name="uq_organizations_team_id"),
    )
    op.create_table(
        "registration_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("help", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contest_id"], ["contests.id"], name="fk_registration_fields_contest_id_contests", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["track_id"], ["tracks.id"], name="fk_registration_fields_track_id_tracks", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_registration_fields"),
        sa.UniqueConstraint("contest_id", "key", name="uq_registration_fields_contest_id_key"),
    )
    op.create_index("ix_registration_fields_contest_id", "registration_fields", ["contest_id"])


def downgrade():
    op.drop_index("ix_registration_fields_contest_id", table_name="registration_fields")
    op.drop_table("registration_fields")
    op.drop_table("organizations")
    with op.batch_alter_table("advisors") as batch_op:
        batch_op.drop_column("nationality")
    op.execute("DELETE FROM team_members WHERE college_id IS NULL OR student_id IS NULL")
    with op.batch_alter_table("team_members") as batch_op:
        batch_op.drop_column("nationality")
        batch_op.alter_column("student_id", existing_type=sa.String(length=30), nullable=False)
        batch_op.alter_column("college_id", existing_type=sa.Integer(), nullable=False)
    op.execute("DELETE FROM teams WHERE college_id IS NULL")
    with op.batch_alter_table("teams") as batch_op:
        batch_op.drop_index("ix_teams_country")
        batch_op.drop_column("answers")
        batch_op.drop_column("country")
        batch_op.alter_column("college_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("colleges") as batch_op:
        batch_op.drop_constraint("fk_colleges_proposed_by_id_users", type_="foreignkey")
        batch_op.drop_column("proposed_by_id")
        batch_op.drop_column("website")
        batch_op.drop_column("verified")
    with op.batch_alter_table("tracks") as batch_op:
        batch_op.drop_column("max_members")
        batch_op.drop_column("min_members")
        batch_op.drop_column("entrant")
    with op.batch_alter_table("contests") as batch_op:
        batch_op.drop_column("language")
