"""work values: how far each occupation satisfies O*NET's six work values, to compare
two targets against what the person values

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 00:05:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('onet_work_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('element_id', sa.String(length=20), nullable=False),
    sa.Column('extent', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['code'], ['onet_occupations.code'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code', 'element_id', name='uq_work_value_code_element')
    )
    with op.batch_alter_table('onet_work_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_onet_work_values_code'), ['code'], unique=False)
    # the career tables are reloaded from the O*NET files on the next start (the fingerprint changes)


def downgrade() -> None:
    with op.batch_alter_table('onet_work_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_onet_work_values_code'))
    op.drop_table('onet_work_values')
