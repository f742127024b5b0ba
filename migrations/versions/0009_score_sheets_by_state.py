"""indexes that count a round's progress: assignments in force, sheets by state

Revision ID: 0009_sheets_by_state
Revises: 0008_conflicts_blind
Create Date: 2026-12-06 08:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0009_sheets_by_state"
down_revision = "0008_conflicts_blind"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_score_sheets_assignment_status", "score_sheets", ["assignment_id", "status"], unique=False)
    op.create_index(
        "ix_assignments_round_in_force", "assignments", ["round_id", "set_aside_at", "team_id", "judge_id"], unique=False
    )


def downgrade():
    op.drop_index("ix_assignments_round_in_force", table_name="assignments")
    op.drop_index("ix_score_sheets_assignment_status", table_name="score_sheets")
