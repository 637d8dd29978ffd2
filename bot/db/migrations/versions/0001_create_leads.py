"""Create the leads table (callback requests).

Revision ID: 0001
Revises: (none)
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('leads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('preferred_time', sa.String(length=100), nullable=False),
    sa.Column('diagnosis_status', sa.String(length=10), nullable=False),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('notice_version', sa.String(length=20), nullable=False),
    sa.Column('conversation_id', sa.String(length=128), nullable=False),
    sa.Column('submission_id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("diagnosis_status IN ('yes', 'no', 'not_sure')", name=op.f('ck_leads_diagnosis_status')),
    sa.CheckConstraint("reason IN ('appointment', 'second_opinion')", name=op.f('ck_leads_reason')),
    sa.CheckConstraint("status IN ('new', 'claimed', 'contacted', 'closed')", name=op.f('ck_leads_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leads')),
    sa.UniqueConstraint('conversation_id', 'submission_id', name='uq_leads_submission'),
    sa.UniqueConstraint('reference', name=op.f('uq_leads_reference'))
    )
    op.create_index('ix_leads_status_created_at', 'leads', ['status', 'created_at'])


def downgrade() -> None:
    op.drop_index('ix_leads_status_created_at', table_name='leads')
    op.drop_table('leads')
