"""The resource area of a space (files and links). Filled in by the resources work."""

from flask import Blueprint

bp = Blueprint("resources", __name__, url_prefix="/s/<space_ref>/ressources")


@bp.get("/")
def index(space_ref: str):
    from flask import render_template
    from flask_login import current_user

    from .. import spaces

    space = spaces.get_space(current_user, space_ref)
    return render_template("error.html", space=space, status=200, message="Bientôt.")
