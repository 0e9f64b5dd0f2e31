"""Migration 0005_page_kinds: stored free pages take the registry's name, and back."""

from __future__ import annotations

from sqlalchemy import text

from wiki import migrate
from wiki.db import make_engine

SPACE = text(
    "INSERT INTO spaces (slug, title, description, visibility, quota_bytes, tree_version, "
    "created_at) VALUES ('s', 'S', '', 'members', 1, 0, CURRENT_TIMESTAMP)"
)


def _kinds(url: str) -> list[tuple[str, str]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT slug, kind FROM pages ORDER BY slug")))
    finally:
        engine.dispose()


def test_article_becomes_page_and_comes_back(database_url):
    migrate.upgrade(database_url, "0004_questionnaires")
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(SPACE)
            for slug, kind in (("a", "article"), ("q", "questionnaire")):
                conn.execute(
                    text(
                        "INSERT INTO pages (space_id, kind, title, slug, position, markdown, "
                        "revision_number, created_at, updated_at) SELECT id, :kind, :slug, :slug, "
                        "0, '', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM spaces"
                    ),
                    {"kind": kind, "slug": slug},
                )
    finally:
        engine.dispose()
    migrate.upgrade(database_url)
    assert _kinds(database_url) == [("a", "page"), ("q", "questionnaire")]
    migrate.downgrade(database_url, "0004_questionnaires")
    assert _kinds(database_url) == [("a", "article"), ("q", "questionnaire")]
