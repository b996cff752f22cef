"""suggested answers: an answer the person chose from Waypoint's suggestions is marked

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 21:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('answers') as batch:
        batch.add_column(sa.Column('suggested', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('answer_revisions') as batch:
        batch.add_column(sa.Column('suggested', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('answer_revisions') as batch:
        batch.drop_column('suggested')
    with op.batch_alter_table('answers') as batch:
        batch.drop_column('suggested')
