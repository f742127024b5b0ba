"""result mails: the mail telling each team its result at publication and at finalization, one row per
team and occasion (what was sent, what bounced); a contest may send it to every member; a notice keeps
whether its teams are mailed

Revision ID: 0018_result_mails
Revises: 0017_certificates
Create Date: 2026-12-06 20:54:23.085828

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_result_mails'
down_revision = '0017_certificates'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('result_mails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('occasion', sa.String(length=10), nullable=False),
    sa.Column('recipients', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_result_mails_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_result_mails_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_mails')),
    sa.UniqueConstraint('round_id', 'occasion', 'team_id', name=op.f('uq_result_mails_round_id_occasion_team_id'))
    )
    with op.batch_alter_table('result_mails', schema=None) as batch_op:
        batch_op.create_index('ix_result_mails_round_occasion_state', ['round_id', 'occasion', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_result_mails_team_id'), ['team_id'], unique=False)

    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('result_mail_members', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tell_teams', sa.Boolean(), server_default=sa.true(), nullable=False))



def downgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_column('tell_teams')

    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.drop_column('result_mail_members')

    with op.batch_alter_table('result_mails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_mails_team_id'))
        batch_op.drop_index('ix_result_mails_round_occasion_state')

    op.drop_table('result_mails')
