"""questionnaires: definitions, anonymous-safe responses and answers, saved models, charts

Revision ID: 0004_questionnaires
Revises: 0003_collab_writeback
Create Date: 2026-12-01 23:23:09.220115
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_questionnaires'
down_revision = '0003_collab_writeback'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('published_charts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('svg', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_published_charts_space_id_spaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_charts'))
    )
    with op.batch_alter_table('published_charts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_charts_space_id'), ['space_id'], unique=False)

    op.create_table('questionnaire_models',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_questionnaire_models_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_questionnaire_models_space_id_spaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_models'))
    )
    with op.batch_alter_table('questionnaire_models', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_models_space_id'), ['space_id'], unique=False)

    op.create_table('questionnaires',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('audience', sa.String(length=10), nullable=False),
    sa.Column('results_visibility', sa.String(length=20), nullable=False),
    sa.Column('opens_at', sa.DateTime(), nullable=True),
    sa.Column('closes_at', sa.DateTime(), nullable=True),
    sa.Column('intro', sa.Text(), nullable=False),
    sa.Column('profiles', sa.JSON(), nullable=False),
    sa.Column('hidden_words', sa.JSON(), nullable=False),
    sa.Column('link_token', sa.String(length=64), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_questionnaires_page_id_pages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_questionnaires_space_id_spaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaires')),
    sa.UniqueConstraint('link_token', name=op.f('uq_questionnaires_link_token')),
    sa.UniqueConstraint('page_id', name=op.f('uq_questionnaires_page_id'))
    )
    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaires_space_id'), ['space_id'], unique=False)

    op.create_table('questionnaire_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=200), nullable=True),
    sa.Column('label', sa.String(length=500), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('help', sa.Text(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('allow_other', sa.Boolean(), nullable=False),
    sa.Column('scale', sa.JSON(), nullable=True),
    sa.Column('max_words', sa.Integer(), nullable=True),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'], name=op.f('fk_questionnaire_questions_questionnaire_id_questionnaires'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_questions'))
    )
    with op.batch_alter_table('questionnaire_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_questions_questionnaire_id'), ['questionnaire_id'], unique=False)

    op.create_table('questionnaire_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('respondent_key', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=True),
    sa.Column('structure', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'], name=op.f('fk_questionnaire_responses_questionnaire_id_questionnaires'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_questionnaire_responses_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_responses')),
    sa.UniqueConstraint('questionnaire_id', 'respondent_key', name=op.f('uq_questionnaire_responses_questionnaire_id'))
    )
    with op.batch_alter_table('questionnaire_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_responses_questionnaire_id'), ['questionnaire_id'], unique=False)

    op.create_table('questionnaire_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questionnaire_questions.id'], name=op.f('fk_questionnaire_answers_question_id_questionnaire_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['questionnaire_responses.id'], name=op.f('fk_questionnaire_answers_response_id_questionnaire_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_answers')),
    sa.UniqueConstraint('response_id', 'question_id', name=op.f('uq_questionnaire_answers_response_id'))
    )
    with op.batch_alter_table('questionnaire_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_answers_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_questionnaire_answers_response_id'), ['response_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('questionnaire_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaire_answers_response_id'))
        batch_op.drop_index(batch_op.f('ix_questionnaire_answers_question_id'))

    op.drop_table('questionnaire_answers')
    with op.batch_alter_table('questionnaire_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaire_responses_questionnaire_id'))

    op.drop_table('questionnaire_responses')
    with op.batch_alter_table('questionnaire_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaire_questions_questionnaire_id'))

    op.drop_table('questionnaire_questions')
    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaires_space_id'))

    op.drop_table('questionnaires')
    with op.batch_alter_table('questionnaire_models', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaire_models_space_id'))

    op.drop_table('questionnaire_models')
    with op.batch_alter_table('published_charts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_charts_space_id'))

    op.drop_table('published_charts')
