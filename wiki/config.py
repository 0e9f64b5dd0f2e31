"""Configuration read from the environment, with a data folder that holds what must persist."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

MB = 1024 * 1024


def _secret_key(data_dir: Path) -> str:
    """Keep a generated key in the data folder so sessions survive a restart."""
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def from_environment(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    overrides = dict(overrides or {})
    env = os.environ
    data_dir = Path(overrides.get("DATA_DIR") or env.get("CERCLE_DATA_DIR") or "data").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {
        "DATA_DIR": data_dir,
        "DATABASE_URL": env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'cercle.db'}",
        "REDIS_URL": env.get("REDIS_URL") or None,
        # proxies in front whose X-Forwarded-* headers are believed (nginx: 1); 0 believes
        # none, else anyone could pick the address the login rate limit counts
        "PROXY_HOPS": int(env.get("CERCLE_PROXY_HOPS", "0")),
        "UPLOAD_MAX_BYTES": int(env.get("CERCLE_UPLOAD_MAX_MB", "20")) * MB,
        "SPACE_QUOTA_BYTES": int(env.get("CERCLE_SPACE_QUOTA_MB", "500")) * MB,
        "PASSWORD_RESET_HOURS": float(env.get("CERCLE_PASSWORD_RESET_HOURS", "24")),
        "DISK_MIN_FREE_BYTES": int(env.get("CERCLE_DISK_MIN_FREE_MB", "1024")) * MB,
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "BABEL_DEFAULT_TIMEZONE": env.get("CERCLE_TIMEZONE", "Europe/Paris"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("CERCLE_SECURE_COOKIES") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "JSON_SORT_KEYS": False,
    }
    config.update(overrides)
    config["DATA_DIR"] = Path(config["DATA_DIR"])
    config.setdefault("SECRET_KEY", env.get("SECRET_KEY") or _secret_key(config["DATA_DIR"]))
    # Werkzeug refuses bodies over this before any view runs; leave room for form fields.
    config.setdefault("MAX_CONTENT_LENGTH", config["UPLOAD_MAX_BYTES"] + MB)
    config.setdefault("UPLOAD_DIR", config["DATA_DIR"] / "uploads")
    Path(config["UPLOAD_DIR"]).mkdir(parents=True, exist_ok=True)
    return config
