"""data rights: the version of the consent text a person agreed to, private links to a
person's data export, and leases so that one web server runs the retention purge

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 03:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('counseling_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_version', sa.String(length=16), nullable=True))
    op.create_table('export_links',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=64), nullable=False),
    sa.Column('sender_id', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('export_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_links_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index('ix_export_links_person', ['channel', 'sender_id'], unique=False)
    op.create_table('leases',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('holder', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    op.drop_table('leases')
    with op.batch_alter_table('export_links', schema=None) as batch_op:
        batch_op.drop_index('ix_export_links_person')
        batch_op.drop_index(batch_op.f('ix_export_links_expires_at'))
    op.drop_table('export_links')
    with op.batch_alter_table('counseling_sessions', schema=None) as batch_op:
        batch_op.drop_column('consent_version')
