"""works: what teams hand in for a round (every version), deadline extensions, the log of who opened a work,
imported values of data criteria; a round's requirements and deadline, a criterion's source and rule

Revision ID: 0015_works
Revises: 0014_season_indexes
Create Date: 2026-12-06 17:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_works'
down_revision = '0014_season_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('metric_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['criterion_id'], ['criteria.id'], name=op.f('fk_metric_values_criterion_id_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], name=op.f('fk_metric_values_imported_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_metric_values_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_metric_values_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metric_values')),
    sa.UniqueConstraint('criterion_id', 'team_id', name=op.f('uq_metric_values_criterion_id_team_id'))
    )
    with op.batch_alter_table('metric_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_metric_values_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_metric_values_team_id'), ['team_id'], unique=False)

    op.create_table('work_extensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('until', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_work_extensions_granted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_work_extensions_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_work_extensions_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_extensions')),
    sa.UniqueConstraint('round_id', 'team_id', name=op.f('uq_work_extensions_round_id_team_id'))
    )
    with op.batch_alter_table('work_extensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_extensions_team_id'), ['team_id'], unique=False)

    op.create_table('works',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(sha256 IS NULL) <> (url IS NULL)', name=op.f('ck_works_file_or_link')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_works_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_works_submitted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_works_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_works')),
    sa.UniqueConstraint('round_id', 'team_id', 'key', 'version', name=op.f('uq_works_round_id_team_id_key_version'))
    )
    with op.batch_alter_table('works', schema=None) as batch_op:
        batch_op.create_index('ix_works_round_team_key', ['round_id', 'team_id', 'key'], unique=False)
        batch_op.create_index(batch_op.f('ix_works_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_works_team_id'), ['team_id'], unique=False)

    op.create_table('work_opens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_work_opens_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['work_id'], ['works.id'], name=op.f('fk_work_opens_work_id_works'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_opens'))
    )
    with op.batch_alter_table('work_opens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_opens_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_opens_work_id'), ['work_id'], unique=False)

    with op.batch_alter_table('criteria', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=10), server_default='judges', nullable=False))
        batch_op.add_column(sa.Column('rule', sa.JSON(), nullable=True))

    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requirements', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('works_due_at', sa.DateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('works_due_at')
        batch_op.drop_column('requirements')

    with op.batch_alter_table('criteria', schema=None) as batch_op:
        batch_op.drop_column('rule')
        batch_op.drop_column('source')

    with op.batch_alter_table('work_opens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_opens_work_id'))
        batch_op.drop_index(batch_op.f('ix_work_opens_user_id'))

    op.drop_table('work_opens')
    with op.batch_alter_table('works', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_works_team_id'))
        batch_op.drop_index(batch_op.f('ix_works_sha256'))
        batch_op.drop_index('ix_works_round_team_key')

    op.drop_table('works')
    with op.batch_alter_table('work_extensions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_extensions_team_id'))

    op.drop_table('work_extensions')
    with op.batch_alter_table('metric_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_metric_values_team_id'))
        batch_op.drop_index(batch_op.f('ix_metric_values_round_id'))

    op.drop_table('metric_values')
