"""conflicts after assignment (assignments set aside), the own-college rule per round

Revision ID: 0006_conflicts_blind
Revises: 0005
Create Date: 2026-12-01 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_conflicts_blind'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    # A constant default, so that SQLite adds the column in place: a batch copy of `rounds` would drop the old
    # table, and with foreign keys on, that deletes every row that cascades from it (entries, assignments...).
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('own_college_conflict', sa.Boolean(), server_default='1', nullable=False))

    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('set_aside_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('set_aside_conflict', sa.String(length=20), nullable=True))


def downgrade():
    # Not in batch: SQLite drops these columns in place (3.35 and later), where a copy of the tables would delete
    # every row that cascades from them (score sheets from assignments; entries, assignments... from rounds).
    op.drop_column('assignments', 'set_aside_conflict')
    op.drop_column('assignments', 'set_aside_at')
    op.drop_column('rounds', 'own_college_conflict')
