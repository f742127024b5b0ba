"""the public notice of a published round, objections and their evidence

Revision ID: 0016_notice_objections
Revises: 0015_works
Create Date: 2026-12-06 17:50:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016_notice_objections"
down_revision = "0015_works"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("calendar", sa.String(length=20), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finalized_at", sa.DateTime(), nullable=True),
        sa.Column("finalized_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["finalized_by_id"], ["users.id"], name=op.f("fk_notices_finalized_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_notices_round_id_rounds"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint("round_id", name=op.f("uq_notices_round_id")),
    )
    op.create_table(
        "objections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=True),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["users.id"], name=op.f("fk_objections_answered_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name=op.f("fk_objections_assignee_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_objections_author_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_objections_round_id_rounds"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_objections_team_id_teams"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objections")),
    )
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_objections_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_objections_author_id"), ["author_id"], unique=False)
        batch_op.create_index("ix_objections_round_state", ["round_id", "state"], unique=False)
        batch_op.create_index(batch_op.f("ix_objections_team_id"), ["team_id"], unique=False)

    op.create_table(
        "objection_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objection_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["objection_id"], ["objections.id"], name=op.f("fk_objection_files_objection_id_objections"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objection_files")),
        sa.UniqueConstraint("objection_id", "sha256", name=op.f("uq_objection_files_objection_id_sha256")),
    )
    with op.batch_alter_table("objection_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_objection_files_objection_id"), ["objection_id"], unique=False)



def downgrade():
    with op.batch_alter_table("objection_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_objection_files_objection_id"))

    op.drop_table("objection_files")
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_objections_team_id"))
        batch_op.drop_index("ix_objections_round_state")
        batch_op.drop_index(batch_op.f("ix_objections_author_id"))
        batch_op.drop_index(batch_op.f("ix_objections_assignee_id"))

    op.drop_table("objections")
    op.drop_table("notices")
