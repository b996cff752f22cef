"""career plans: plan versions and plan links

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 01:04:40.547266
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'plan_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('employee_id', sa.String(length=32), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.Column('charts', sa.JSON(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('employee_id', 'version', name='uq_plan_version_employee_version'),
    )
    op.create_table(
        'plan_links',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('employee_id', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_hash'),
    )
    with op.batch_alter_table('plan_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_links_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_links_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('plan_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_links_expires_at'))
        batch_op.drop_index(batch_op.f('ix_plan_links_employee_id'))
    op.drop_table('plan_links')
    op.drop_table('plan_versions')
