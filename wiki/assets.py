"""Static files under content-hashed names, cached for a year, sent gzipped when allowed.

``asset_url("dist/editor.js")`` (a Jinja global) is ``/static/dist/editor.<hash12>.js``: the
first 12 hex digits of the SHA-256 of the file's bytes, read once per process (lazily, under a
lock: gunicorn's threads render at once). A new release changes the name of what changed, so
browsers may keep a name for good (``Cache-Control: public, max-age=31536000, immutable``)
and never ask again, while a page always names the current file.

Flask's ``static`` endpoint keeps its one URL rule; its view (``serve``) also knows the hashed
names: the hash must be the file's, or 404 (an old page's name after a release is not served
the new bytes under the old name). When the file has a ``.gz`` sibling (``npm run build``
writes them, ``static/src/precompress.mjs``) and the request accepts gzip, those bytes go
out with ``Content-Encoding: gzip``; ``Vary: Accept-Encoding`` always. A plain name
(``/static/dist/editor.js``) is served as Flask does (revalidated by ETag), for what links
to it from outside. Behind nginx, ``deploy/nginx/cercle.conf`` serves the same names from
disk without reaching Cercle.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import re
import threading
from pathlib import Path

from flask import Flask, Response, abort, current_app, request, send_file, url_for
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from werkzeug.security import safe_join

log = logging.getLogger(__name__)
HASH_LENGTH = 12
IMMUTABLE = "public, max-age=31536000, immutable"
#: ``<name>.<hash>.<ext>``: the hash is the last dotted part before the extension
HASHED = re.compile(rf"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{{{HASH_LENGTH}}})(?P<ext>\.[^./]+)$")
EXTENSION_KEY = "cercle_assets"


class Assets:
    """The hashes of one static folder's files, each computed on first use."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._hashes: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def path(self, name: str) -> Path | None:
        """The file ``name`` (relative, ``/``-separated) names in the folder, if it is one;
        ``None`` for a missing file or a name leaving the folder (``..``)."""
        joined = safe_join(str(self.folder), name)
        if joined is None or not Path(joined).is_file():
            return None
        return Path(joined)

    def digest(self, name: str) -> str | None:
        with self._lock:
            if name not in self._hashes:
                path = self.path(name)
                self._hashes[name] = (
                    hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH] if path else None
                )
            return self._hashes[name]

    def hashed_name(self, name: str) -> str | None:
        """``dir/name.<hash>.ext`` for ``dir/name.ext``; ``None`` without a file or extension."""
        stem, dot, ext = name.rpartition(".")
        digest = self.digest(name)
        if not dot or not stem or "/" in ext or digest is None:
            return None
        return f"{stem}.{digest}.{ext}"

    def source_of(self, hashed: str) -> str | None:
        """The file a hashed name stands for, if the hash is that file's."""
        match = HASHED.match(hashed)
        if match is None:
            return None
        name = match["stem"] + match["ext"]
        return name if self.digest(name) == match["hash"] else None


def _assets() -> Assets:
    return current_app.extensions[EXTENSION_KEY]


def asset_url(name: str) -> str:
    """The long-cached URL of static file ``name`` (``css/cercle.css``, ``dist/editor.js``)."""
    hashed = _assets().hashed_name(name)
    if hashed is None:  # a missing file: the plain URL, whose 404 shows in the server's log
        log.warning("Fichier statique introuvable : %s", name)
        return url_for("static", filename=name)
    return url_for("static", filename=hashed)


def serve(filename: str) -> Response:
    """Flask's static view, plus the hashed names (``filename`` is what follows /static/)."""
    assets = _assets()
    if assets.path(filename) is not None:  # a real file by that name: as Flask serves it
        return current_app.send_static_file(filename)
    name = assets.source_of(filename)
    path = assets.path(name) if name else None
    if path is None:
        abort(404)
    packed = path.with_name(path.name + ".gz")
    gzipped = request.accept_encodings["gzip"] > 0 and packed.is_file()
    # the mimetype is the source's (guessed from its name), never the .gz's application/gzip
    response = send_file(
        packed if gzipped else path,
        mimetype=mimetypes.guess_type(name)[0] or "application/octet-stream",
        conditional=True,  # ETag and 304 as for the plain names
    )
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Cache-Control"] = IMMUTABLE
    response.vary.add("Accept-Encoding")
    return response


class StaticFreeSessions(SecureCookieSessionInterface):
    """Flask's cookie sessions, except that a static file neither writes the cookie nor
    varies on it. Flask-Login reads the session after every response (``_remember``), which
    makes Flask add ``Vary: Cookie``: a file cached for a year would be cached per cookie."""

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if request.endpoint == "static" and not session.modified:
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = Assets(Path(app.static_folder or "static"))
    app.jinja_env.globals["asset_url"] = asset_url
    if "static" in app.view_functions:
        app.view_functions["static"] = serve
    if type(app.session_interface) is SecureCookieSessionInterface:
        app.session_interface = StaticFreeSessions()
