"""onet_titles.kind holds "alternate" (9 characters) in a column of 8: PostgreSQL refused the
career database's load (SQLite never checks a length), so with several replicas on PostgreSQL
Waypoint had no careers. The column takes 16.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 09:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite ignores a VARCHAR's length; rebuilding its table for nothing is left out
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column('onet_titles', 'kind', existing_type=sa.String(length=8), type_=sa.String(length=16),
                        existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DELETE FROM onet_titles WHERE length(kind) > 8")  # they would not fit: loaded again on upgrade
        op.alter_column('onet_titles', 'kind', existing_type=sa.String(length=16), type_=sa.String(length=8),
                        existing_nullable=False)
