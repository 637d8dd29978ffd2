"""Anonymous counts a day for the analytics page: no conversation ids, no text.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_METRICS = ("metric IN ('conversation', 'answer', 'answered_conversation', 'miss', "
            "'emergency')")


def upgrade() -> None:
    op.create_table('daily_counts',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('metric', sa.String(length=24), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.CheckConstraint(_METRICS, name=op.f('ck_daily_counts_metric')),
    sa.PrimaryKeyConstraint('day', 'metric', 'key', name=op.f('pk_daily_counts'))
    )


def downgrade() -> None:
    op.drop_table('daily_counts')
