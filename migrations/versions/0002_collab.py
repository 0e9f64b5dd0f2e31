"""live co-editing: Yjs update log, seed marks, revision authors

Revision ID: 0002_collab
Revises: 0001_wiki_core
Create Date: 2026-11-23 19:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0002_collab'
down_revision = '0001_wiki_core'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('collab_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_collab_updates_page_id_pages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collab_updates'))
    )
    with op.batch_alter_table('collab_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collab_updates_page_id'), ['page_id'], unique=False)

    op.create_table('collab_seeds',
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_collab_seeds_page_id_pages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('page_id', name=op.f('pk_collab_seeds'))
    )
    op.create_table('revision_authors',
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name=op.f('fk_revision_authors_revision_id_revisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_revision_authors_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('revision_id', 'user_id', name=op.f('pk_revision_authors'))
    )


def downgrade() -> None:
    op.drop_table('revision_authors')
    op.drop_table('collab_seeds')
    with op.batch_alter_table('collab_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collab_updates_page_id'))
    op.drop_table('collab_updates')
