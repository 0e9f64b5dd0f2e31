"""Command line: ``flask --app app db upgrade | demo | users create | tokens create``,
``import ZIP --space SLUG [--as EMAIL]``, and operations: ``backup PATH``,
``restore PATH [--force]``, ``check``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from . import accounts, backup, demo, search_index
from .db import db
from .errors import CercleError
from .models import Space

db_cli = AppGroup("db", help="Base de données (migrations Alembic).")
users_cli = AppGroup("users", help="Comptes.")
tokens_cli = AppGroup("tokens", help="Jetons d'API personnels.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    from . import migrate  # Alembic is only needed here: keep it out of server start-up

    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo("Base de données à jour.")


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision: str) -> None:
    """Undo migrations down to REVISION (default: one step)."""
    from . import migrate

    migrate.downgrade(current_app.config["DATABASE_URL"], revision)
    click.echo("Migration annulée.")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Ne rien faire si un espace existe déjà.")
def demo_command(if_empty: bool) -> None:
    """Create the demo space and its three accounts, then print the logins."""
    if if_empty and (db.session.scalar(select(func.count(Space.id))) or 0) > 0:
        click.echo("Des espaces existent déjà : démo non recréée.")
    else:
        demo.seed()
        click.echo("Espace de démonstration créé.")
    click.echo("Comptes de démonstration (adresse / mot de passe) :")
    for role, (email, password) in demo.logins().items():
        click.echo(f"  {role:<14} {email}  /  {password}")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--password", required=True)
@click.option("--admin", is_flag=True, help="Administrateur·rice de l'instance.")
@click.option("--can-create-spaces", is_flag=True, help="Peut ouvrir des espaces.")
def users_create(
    email: str, name: str, password: str, admin: bool, can_create_spaces: bool
) -> None:
    try:
        user = accounts.create_user(
            email, name, password, is_admin=admin, can_create_spaces=can_create_spaces
        )
    except CercleError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Compte créé : {user.email}" + (" (admin)" if user.is_admin else ""))


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="", help="Pour le reconnaître dans le profil.")
def tokens_create(email: str, name: str) -> None:
    """Print a new personal API token for EMAIL on the last line."""
    user = accounts.find_by_email(email)
    if user is None:
        raise click.ClickException(f"Aucun compte pour {email}.")
    try:
        token = accounts.create_token(user, name)
    except CercleError as error:
        raise click.ClickException(error.message) from None
    click.echo("Jeton créé (il ne sera plus affiché) :")
    click.echo(token)


def _instance() -> backup.Target:
    config = current_app.config
    return backup.Target(
        config["DATABASE_URL"], Path(config["UPLOAD_DIR"]), Path(config["DATA_DIR"])
    )


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(path_type=Path))
def backup_command(path: Path) -> None:
    """Back up the database, the uploaded files and a manifest into the folder PATH, while
    the instance keeps running."""
    try:
        manifest = backup.create(_instance(), path.resolve())
    except CercleError as error:
        raise click.ClickException(error.message) from None
    click.echo(
        f"Sauvegarde écrite dans {path} : {len(manifest['files'])} fichiers, "
        f"schéma {manifest['schema_revision']}."
    )


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--force", is_flag=True, help="Remplacer une instance qui n'est pas vide.")
def restore_command(path: Path, force: bool) -> None:
    """Check the backup in PATH, put it back on this (empty) instance, rebuild the index."""
    from . import restore

    try:
        manifest = restore.restore(path.resolve(), _instance(), force=force)
    except CercleError as error:
        raise click.ClickException(error.message) from None
    finally:
        db.engine.dispose()  # connections opened before the database was replaced
    ops = search_index.ops()
    documents = ops.rebuild() if ops is not None else 0
    click.echo(
        f"Sauvegarde du {manifest['created_at']} restaurée : "
        f"{manifest['restored_files']} fichiers déposés, index reconstruit ({documents} documents)."
    )
    if (path / backup.SECRET_FILE).is_file():
        click.echo("Clé secrète restaurée : redémarrez le serveur pour qu'il la prenne.")


@click.command("check")
@with_appcontext
def check_command() -> None:
    """One line per check (ok, attention, problème); exit code 1 if any is not ok."""
    from . import ops_check

    checks = ops_check.run_all(current_app.config)
    for check in checks:
        click.echo(check.line())
    if not all(check.ok for check in checks):
        raise SystemExit(1)


@click.command("import")
@with_appcontext
@click.argument(
    "zip_path", metavar="ZIP", type=click.Path(path_type=Path, exists=True, dir_okay=False)
)
@click.option("--space", "space_ref", required=True, help="L'espace qui reçoit les pages.")
@click.option("--as", "email", default=None, help="Le compte qui importe (défaut : un admin).")
def import_command(zip_path: Path, space_ref: str, email: str | None) -> None:
    """Import a zip of Markdown pages (a Cercle Markdown export, or notes from elsewhere)
    into the space SPACE, then print what was imported and what was left out."""
    from . import import_markdown

    try:
        report = import_markdown.import_from_path(zip_path, space_ref, email, current_app.config)
    except CercleError as error:
        raise click.ClickException(error.message) from None
    for line in report.lines():
        click.echo(line)


def init_app(app: Flask) -> None:
    commands = (db_cli, users_cli, tokens_cli, demo_command, import_command)
    for command in (*commands, backup_command, restore_command, check_command):
        app.cli.add_command(command)
