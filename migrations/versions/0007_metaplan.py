"""metaplan: cards (hidden until the reveal, and every card's author), dots, boards turned into pages

Revision ID: 0007_metaplan
Revises: 0006_sessions_tokens
Create Date: 2026-12-02 00:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_metaplan'
down_revision = '0006_sessions_tokens'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('metaplan_cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=24), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=800), nullable=False),
    sa.Column('colour', sa.String(length=20), nullable=False),
    sa.Column('revealed', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_metaplan_cards_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_metaplan_cards_page_id_pages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metaplan_cards')),
    sa.UniqueConstraint('key', name=op.f('uq_metaplan_cards_key'))
    )
    with op.batch_alter_table('metaplan_cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_metaplan_cards_page_id'), ['page_id'], unique=False)
    op.create_table('metaplan_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('card_key', sa.String(length=24), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_metaplan_votes_page_id_pages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_metaplan_votes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metaplan_votes'))
    )
    with op.batch_alter_table('metaplan_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_metaplan_votes_card_key'), ['card_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_metaplan_votes_page_id'), ['page_id'], unique=False)
    op.create_table('metaplan_pages',
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['pages.id'], name=op.f('fk_metaplan_pages_board_id_pages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_metaplan_pages_page_id_pages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('board_id', name=op.f('pk_metaplan_pages'))
    )


def downgrade() -> None:
    op.drop_table('metaplan_pages')
    with op.batch_alter_table('metaplan_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_metaplan_votes_page_id'))
        batch_op.drop_index(batch_op.f('ix_metaplan_votes_card_key'))
    op.drop_table('metaplan_votes')
    with op.batch_alter_table('metaplan_cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_metaplan_cards_page_id'))
    op.drop_table('metaplan_cards')
