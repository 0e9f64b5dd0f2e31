"""``flask --app app search rebuild | status``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .service import indexer

search_cli = AppGroup("search", help="Index de recherche plein texte.")


@search_cli.command("rebuild")
def rebuild() -> None:
    """Rebuild the whole index from the database (searches keep working meanwhile)."""
    worker = indexer()
    worker.flush()
    total = worker.document_count()
    with click.progressbar(length=total, label="Indexation", show_pos=True) as bar:
        count = worker.rebuild(progress=bar.update)
    click.echo(f"Index reconstruit : {count} documents.")


@search_cli.command("status")
def status() -> None:
    """Print how many documents the index and the database hold."""
    worker = indexer()
    indexed = len(worker.backend.stored_keys())
    click.echo(f"Documents indexés : {indexed} ; dans la base : {worker.document_count()}.")
