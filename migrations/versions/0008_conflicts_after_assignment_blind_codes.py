"""conflicts after assignment (assignments set aside), the own-college rule per round, blind codes per entry

Revision ID: 0008_conflicts_blind
Revises: 0007_member_disputes
Create Date: 2026-12-01 09:00:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_conflicts_blind'
down_revision = '0007_member_disputes'
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

    # Every team already in a round gets its code there, as `app.judging.services.entry_code` draws one. No table
    # refers to `entries`, so SQLite's batch copy of it (for NOT NULL and the unique constraint) loses nothing.
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=20), nullable=True))
    entries = sa.table('entries', sa.column('id', sa.Integer), sa.column('round_id', sa.Integer), sa.column('code', sa.String))
    connection = op.get_bind()
    taken: dict[int, set[str]] = {}
    codes = []
    for entry_id, round_id in connection.execute(sa.select(entries.c.id, entries.c.round_id).order_by(entries.c.id)):
        codes.append({"entry_id": entry_id, "code": _code(round_id, taken.setdefault(round_id, set()))})
    if codes:
        connection.execute(entries.update().where(entries.c.id == sa.bindparam("entry_id")).values(code=sa.bindparam("code")), codes)
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.alter_column('code', existing_type=sa.String(length=20), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_entries_round_id_code'), ['round_id', 'code'])


CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _code(round_id, taken):
    size = 4 if len(taken) < 100_000 else 6
    while True:
        code = f"R{round_id}-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(size))
        if code not in taken:
            taken.add(code)
            return code


def downgrade():
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_entries_round_id_code'), type_='unique')
        batch_op.drop_column('code')

    # Not in batch: SQLite drops these columns in place (3.35 and later), where a copy of the tables would delete
    # every row that cascades from them (score sheets from assignments; entries, assignments... from rounds).
    op.drop_column('assignments', 'set_aside_conflict')
    op.drop_column('assignments', 'set_aside_at')
    op.drop_column('rounds', 'own_college_conflict')
