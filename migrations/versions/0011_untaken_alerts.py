"""untaken-case alerts: a case remembers when the admins were told nobody had taken it, and
the outbox tells a case's own notices from those reminders

Cases already waiting when this runs: those opened in the last week are treated like any
other – one reminder each, once their office time is past the limit. Older ones are marked
as reminded: they have sat in the console's queue for over a week and their counselors were
notified when they opened, so a burst of reminders about that backlog on deploy would be
noise, not news (docs/configuration.md).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 09:00:00
"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

BACKLOG_DAYS = 7


def upgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False, server_default='case'))
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('untaken_alerted_at', sa.DateTime(timezone=True), nullable=True))

    now = datetime.now(timezone.utc)
    cases = sa.table(
        'cases',
        sa.column('status', sa.String),
        sa.column('taken_at', sa.DateTime(timezone=True)),
        sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('untaken_alerted_at', sa.DateTime(timezone=True)),
    )
    op.execute(
        cases.update()
        .where(
            cases.c.status.in_(('new', 'assigned')),
            cases.c.taken_at.is_(None),
            cases.c.created_at < now - timedelta(days=BACKLOG_DAYS),
        )
        .values(untaken_alerted_at=now)
    )


def downgrade() -> None:
    # the older code would send a reminder as a new-case notice to the counselors
    notifications = sa.table('notifications', sa.column('kind', sa.String))
    op.execute(notifications.delete().where(notifications.c.kind == 'untaken'))
    # Not in batch mode: SQLite would copy `cases` and drop the original, and with foreign keys
    # on that drop deletes every case's messages, notes and notices by cascade. ALTER TABLE ...
    # DROP COLUMN (SQLite 3.35+) keeps them, and fails rather than loses data on an older SQLite.
    op.drop_column('cases', 'untaken_alerted_at')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('kind')
