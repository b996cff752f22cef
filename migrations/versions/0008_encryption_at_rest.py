"""encryption at rest: free text about a person is sealed with the data key (AES-256-GCM,
bot/storage/crypto.py); the JSON columns among it become text; rows written before are
sealed here

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 04:00:00
"""
from alembic import op
import sqlalchemy as sa

from bot.storage import crypto


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# What this revision seals (the models at this revision; later ones say their own).
SEALED = {
    'answers': ('value', 'slot_value', 'normalized'),
    'answer_revisions': ('value', 'normalized'),
    'goals': ('description', 'success_criterion'),
    'action_steps': ('description',),
    'people': ('contribution', 'engagement'),
    'review_schedules': ('triggers',),
    'feedback': ('comment',),
    'cases': ('summary', 'outcome'),
    'case_messages': ('text',),
    'case_notes': ('text',),
    'complaints': ('text', 'resolution'),
    'plan_versions': ('content', 'charts'),
}
JSON_COLUMNS = (('answers', 'slot_value'), ('cases', 'summary'), ('plan_versions', 'content'), ('plan_versions', 'charts'))
BATCH = 500


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        for table, column in JSON_COLUMNS:
            op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE TEXT USING {column}::text')
    ring = crypto.ring()  # configured by migrations/env.py (or the caller): no key, no migration
    for table, columns in SEALED.items():
        _seal_table(bind, ring, table, columns)


def _seal_table(bind, ring, table: str, columns: tuple) -> None:
    last = 0
    listed = ', '.join(columns)
    while True:
        rows = bind.execute(
            sa.text(f'SELECT id, {listed} FROM {table} WHERE id > :last ORDER BY id LIMIT {BATCH}'), {'last': last}
        ).all()
        if not rows:
            return
        for row in rows:
            values = dict(zip(columns, row[1:]))
            sealed = {c: ring.encrypt(v) for c, v in values.items() if isinstance(v, str) and not crypto.is_sealed(v)}
            if sealed:
                assignments = ', '.join(f'{c} = :{c}' for c in sealed)
                bind.execute(sa.text(f'UPDATE {table} SET {assignments} WHERE id = :id'), {**sealed, 'id': row[0]})
        last = rows[-1][0]


def downgrade() -> None:
    bind = op.get_bind()
    ring = crypto.ring()
    for table, columns in SEALED.items():
        listed = ', '.join(columns)
        for row in bind.execute(sa.text(f'SELECT id, {listed} FROM {table}')).all():
            opened = {c: ring.decrypt(v) for c, v in zip(columns, row[1:]) if crypto.is_sealed(v)}
            if opened:
                assignments = ', '.join(f'{c} = :{c}' for c in opened)
                bind.execute(sa.text(f'UPDATE {table} SET {assignments} WHERE id = :id'), {**opened, 'id': row[0]})
    if bind.dialect.name == 'postgresql':
        for table, column in JSON_COLUMNS:
            op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE JSON USING {column}::json')
