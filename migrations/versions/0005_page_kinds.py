"""page kinds: pages marked as models, admin overrides of page templates, kind "article" → "page"

Revision ID: 0005_page_kinds
Revises: 0004_questionnaires
Create Date: 2026-12-02 00:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_page_kinds'
down_revision = '0004_questionnaires'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('page_template_overrides',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_page_template_overrides_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_page_template_overrides'))
    )
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_model', sa.Boolean(), nullable=False, server_default=sa.false()))
    # One name for the free page everywhere (registry, API, database).
    op.execute("UPDATE pages SET kind = 'page' WHERE kind = 'article'")


def downgrade() -> None:
    op.execute("UPDATE pages SET kind = 'article' WHERE kind = 'page'")
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_column('is_model')
    op.drop_table('page_template_overrides')
