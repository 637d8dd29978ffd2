"""What the assistant could not answer, scrubbed of personal data, for the content team.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_KINDS = ("kind IN ('fallback', 'out_of_scope', 'unsure_topic', 'core_fallback', "
          "'false_emergency')")


def upgrade() -> None:
    op.create_table('unanswered',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('guess', sa.String(length=80), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('handled_as', sa.String(length=80), nullable=True),
    sa.CheckConstraint(_KINDS, name=op.f('ck_unanswered_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unanswered'))
    )
    op.create_index('ix_unanswered_day', 'unanswered', ['day'])


def downgrade() -> None:
    op.drop_index('ix_unanswered_day', table_name='unanswered')
    op.drop_table('unanswered')
