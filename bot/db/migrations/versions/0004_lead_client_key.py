"""A client key on leads (a hash, never the visitor's address), to cap one client's callback
requests per hour.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('leads') as batch:
        batch.add_column(sa.Column('client_key', sa.String(length=64), nullable=True))
    op.create_index('ix_leads_client_key_created_at', 'leads', ['client_key', 'created_at'])


def downgrade() -> None:
    op.drop_index('ix_leads_client_key_created_at', table_name='leads')
    with op.batch_alter_table('leads') as batch:
        batch.drop_column('client_key')
