"""The `reviewer` role: clinicians who approve answers and see no callback request.

Going back deletes the reviewer accounts (and their sessions): the older release has no such
role, and an account it could not read must not become staff, who see patients' requests.

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_ROLES_0002 = "role IN ('staff', 'admin')"
_ROLES_0007 = "role IN ('staff', 'admin', 'reviewer')"


def upgrade() -> None:
    with op.batch_alter_table('staff_users') as batch:
        batch.drop_constraint(op.f('ck_staff_users_role'), type_='check')
        batch.create_check_constraint(op.f('ck_staff_users_role'), _ROLES_0007)


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM staff_sessions WHERE user_id IN "
                       "(SELECT id FROM staff_users WHERE role = 'reviewer')"))
    op.execute(sa.text("DELETE FROM staff_users WHERE role = 'reviewer'"))
    with op.batch_alter_table('staff_users') as batch:
        batch.drop_constraint(op.f('ck_staff_users_role'), type_='check')
        batch.create_check_constraint(op.f('ck_staff_users_role'), _ROLES_0002)
