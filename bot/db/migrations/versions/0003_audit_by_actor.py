"""An index on the audit log by actor and time: how many leads a staff member opened in the
last minute is read on every view.

Revision ID: 0003
Revises: 0002
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_audit_log_actor_at', 'audit_log', ['actor', 'at'])


def downgrade() -> None:
    op.drop_index('ix_audit_log_actor_at', table_name='audit_log')
