"""a college abroad may have no province: colleges.province_id is optional

Revision ID: 0010_province_optional
Revises: 0009_sheets_by_state
Create Date: 2026-12-06 11:05:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0010_province_optional"
down_revision = "0009_sheets_by_state"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("colleges", schema=None) as batch_op:
        batch_op.alter_column("province_id", existing_type=sa.Integer(), nullable=True)


def downgrade():
    # A college without a province cannot go back to a schema that requires one: give it its country's code
    # as a province (created when missing), which is what the import did before.
    connection = op.get_bind()
    missing = connection.execute(sa.text("SELECT DISTINCT country FROM colleges WHERE province_id IS NULL")).scalars().all()
    for country in missing:
        province_id = connection.execute(sa.text("SELECT id FROM provinces WHERE name = :name"), {"name": country}).scalar()
        if province_id is None:
            connection.execute(sa.text("INSERT INTO provinces (name, country) VALUES (:name, :name)"), {"name": country})
            province_id = connection.execute(sa.text("SELECT id FROM provinces WHERE name = :name"), {"name": country}).scalar()
        connection.execute(
            sa.text("UPDATE colleges SET province_id = :province WHERE province_id IS NULL AND country = :country"),
            {"province": province_id, "country": country},
        )
    with op.batch_alter_table("colleges", schema=None) as batch_op:
        batch_op.alter_column("province_id", existing_type=sa.Integer(), nullable=False)
