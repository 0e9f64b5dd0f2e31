"""live co-editing: how far each page's update log is written back into its Markdown

A page whose update log has rows above its marker (a server killed between storing a live
update and writing it back) is brought up to date when a process starts.

Revision ID: 0003_collab_writeback
Revises: 0002_collab
Create Date: 2026-12-01 23:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_collab_writeback'
down_revision = '0002_collab'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a new table, not a column of pages: no batch copy of the pages table on SQLite
    op.create_table('collab_writebacks',
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_collab_writebacks_page_id_pages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('page_id', name=op.f('pk_collab_writebacks'))
    )


def downgrade() -> None:
    op.drop_table('collab_writebacks')
