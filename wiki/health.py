"""What the proxy and monitoring ask (``/healthz``) and ``flask check`` reuse: is the
database answering, is Redis answering when configured."""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .db import db

log = logging.getLogger(__name__)
REDIS_KEY = "cercle.health.redis"
REDIS_TIMEOUT_S = 1.0


def database_ok() -> bool:
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError as error:
        log.warning("health: database unreachable: %s", error)
        return False


def _redis_client(url: str) -> Any:
    """One client (and its connection pool) per app: a probe every few seconds must not
    open a new TCP connection each time."""
    client = current_app.extensions.get(REDIS_KEY)
    if client is None:
        import redis  # only when Redis is configured

        client = redis.Redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT_S, socket_timeout=REDIS_TIMEOUT_S
        )
        current_app.extensions[REDIS_KEY] = client
    return client


def redis_ok(url: str) -> bool:
    try:
        return bool(_redis_client(url).ping())
    except Exception as error:  # any failure of the client means "not answering"
        log.warning("health: Redis unreachable: %s", error)
        return False


def status(redis_url: str | None) -> tuple[dict[str, str], bool]:
    """``({status, database, redis?}, healthy)``; unhealthy only without the database (live
    co-editing across processes degrades without Redis, pages are still served)."""
    database = database_ok()
    report = {"status": "ok", "database": "ok" if database else "unreachable"}
    if redis_url:
        redis_up = redis_ok(redis_url)
        report["redis"] = "ok" if redis_up else "unreachable"
        if not redis_up:
            report["status"] = "degraded"
    if not database:
        report["status"] = "unavailable"
    return report, database
