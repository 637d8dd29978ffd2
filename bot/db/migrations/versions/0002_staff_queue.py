"""Staff accounts, sessions, sign-in failures, the audit log, and working state on leads.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_STATUS_0001 = "status IN ('new', 'claimed', 'contacted', 'closed')"
_STATUS_0002 = "status IN ('new', 'claimed', 'no_answer', 'contacted', 'closed')"
_CLOSE_REASONS = ("closed_reason IS NULL OR closed_reason IN ('appointment_booked', "
                  "'not_needed', 'unreachable', 'duplicate', 'other')")


def upgrade() -> None:
    op.create_table('staff_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('staff', 'admin')", name=op.f('ck_staff_users_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_users')),
    sa.UniqueConstraint('username', name=op.f('uq_staff_users_username'))
    )
    op.create_table('staff_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['staff_users.id'], name=op.f('fk_staff_sessions_user_id_staff_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staff_sessions_token_hash'))
    )
    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures'))
    )
    op.create_index('ix_login_failures_at', 'login_failures', ['at'])
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('lead_reference', sa.String(length=16), nullable=True),
    sa.Column('detail', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_index('ix_audit_log_lead_id', 'audit_log', ['lead_id'])
    with op.batch_alter_table('leads') as batch:
        batch.add_column(sa.Column('claimed_by', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('retry_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('closed_reason', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('note', sa.String(length=500), nullable=True))
        batch.create_foreign_key(op.f('fk_leads_claimed_by_staff_users'), 'staff_users',
                                 ['claimed_by'], ['id'])
        batch.drop_constraint(op.f('ck_leads_status'), type_='check')
        batch.create_check_constraint(op.f('ck_leads_status'), _STATUS_0002)
        batch.create_check_constraint(op.f('ck_leads_closed_reason'), _CLOSE_REASONS)


def downgrade() -> None:
    # Leads in the new `no_answer` state go back to the queue the old schema knows.
    op.execute("UPDATE leads SET status = 'new' WHERE status = 'no_answer'")
    with op.batch_alter_table('leads') as batch:
        batch.drop_constraint(op.f('ck_leads_closed_reason'), type_='check')
        batch.drop_constraint(op.f('ck_leads_status'), type_='check')
        batch.create_check_constraint(op.f('ck_leads_status'), _STATUS_0001)
        batch.drop_constraint(op.f('fk_leads_claimed_by_staff_users'), type_='foreignkey')
        for column in ('note', 'closed_reason', 'retry_at', 'attempts', 'claim_token',
                       'lease_expires_at', 'claimed_at', 'claimed_by'):
            batch.drop_column(column)
    op.drop_index('ix_audit_log_lead_id', table_name='audit_log')
    op.drop_table('audit_log')
    op.drop_index('ix_login_failures_at', table_name='login_failures')
    op.drop_table('login_failures')
    op.drop_table('staff_sessions')
    op.drop_table('staff_users')
