"""awards that carry something: an amount with its currency and a description; a contest's budget

Revision ID: 0011_award_amounts
Revises: 0010_province_optional
Create Date: 2026-12-06 11:05:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0011_award_amounts"
down_revision = "0010_province_optional"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("awards") as batch_op:
        batch_op.add_column(sa.Column("amount", sa.Numeric(18, 2), nullable=True))
        batch_op.add_column(sa.Column("currency", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("contests") as batch_op:
        batch_op.add_column(sa.Column("budget_amount", sa.Numeric(18, 2), nullable=True))
        batch_op.add_column(sa.Column("budget_currency", sa.String(length=3), nullable=True))


def downgrade():
    with op.batch_alter_table("contests") as batch_op:
        batch_op.drop_column("budget_currency")
        batch_op.drop_column("budget_amount")
    with op.batch_alter_table("awards") as batch_op:
        batch_op.drop_column("description")
        batch_op.drop_column("currency")
        batch_op.drop_column("amount")
