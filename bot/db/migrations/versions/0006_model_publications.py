"""Published models: which trained model the Rasa servers run, who published it, rollbacks.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    live = sa.column('live', sa.Boolean())
    op.create_table('model_publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('gate', sa.Text(), nullable=True),
    sa.Column('live', sa.Boolean(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_model_publications'))
    )
    op.create_index('uq_model_publications_live', 'model_publications', ['live'], unique=True,
                    sqlite_where=live.is_(True), postgresql_where=live.is_(True))
    op.create_index('ix_model_publications_sha256', 'model_publications', ['sha256'])


def downgrade() -> None:
    op.drop_index('ix_model_publications_sha256', table_name='model_publications')
    op.drop_index('uq_model_publications_live', table_name='model_publications')
    op.drop_table('model_publications')
