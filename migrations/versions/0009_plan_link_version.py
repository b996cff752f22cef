"""plan links: the plan version a link was made for, which it serves from then on (links
made before this revision serve the latest version, as they always did)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 04:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plan_links', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('plan_links', schema=None) as batch_op:
        batch_op.drop_column('version')
