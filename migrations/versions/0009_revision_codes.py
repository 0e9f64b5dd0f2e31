"""revision messages written by the system become codes (shown in the reader's language)

Revision ID: 0009_revision_codes
Revises: 0008_memoire
Create Date: 2026-12-02 06:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_revision_codes'
down_revision = '0008_memoire'
branch_labels = None
depends_on = None

# (French text as earlier versions stored it, its code); "Retour à la version N" → "restored:N"
PLAIN = [
    ("Création de la page", "page_created"),
    ("Modification en direct", "live_edit"),
]
RESTORED_TEXT = "Retour à la version "
RESTORED_CODE = "restored:"
SET_MESSAGE = sa.text("UPDATE revisions SET message = :new WHERE message = :old")


def _rewrite_prefix(old_prefix: str, new_prefix: str) -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT DISTINCT message FROM revisions WHERE message LIKE :pattern"),
        {"pattern": old_prefix + "%"},
    ).scalars()
    for message in list(rows):
        number = message[len(old_prefix):]
        if number.isdigit():
            connection.execute(SET_MESSAGE, {"new": new_prefix + number, "old": message})


def upgrade() -> None:
    for text, code in PLAIN:
        op.get_bind().execute(SET_MESSAGE, {"new": code, "old": text})
    _rewrite_prefix(RESTORED_TEXT, RESTORED_CODE)


def downgrade() -> None:
    for text, code in PLAIN:
        op.get_bind().execute(SET_MESSAGE, {"new": text, "old": code})
    _rewrite_prefix(RESTORED_CODE, RESTORED_TEXT)
