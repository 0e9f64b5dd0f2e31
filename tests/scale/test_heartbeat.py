"""A dead process's presences leave the others (``collab.docsync`` heartbeat), one process at a
time against the real Redis; and ``CERCLE_PROXY_HOPS`` is the only way X-Forwarded-* is believed."""

from __future__ import annotations

import os
import threading
import uuid

import pytest
import redis
from flask import request
from pycrdt import Awareness, Doc

from app import create_app
from collab.docsync import AWARENESS, RedisDocSync, encode
from collab.presence import Presence
from tests.collab.yclient import wait_for
from wiki import migrate
from wiki.db import db

REDIS_URL = os.environ.get("CERCLE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


class Sink:
    def __init__(self) -> None:
        self.dropped: list[tuple[int, list[int]]] = []
        self.gone = 0

    def apply_remote(self, page_id: int, update: bytes, authors: list[int]) -> None:
        pass

    def apply_remote_awareness(self, page_id: int, payload: bytes, owners: list[int]) -> None:
        pass

    def resync(self) -> None:
        pass

    def drop_remote_awareness(self, page_id: int, client_ids: list[int]) -> None:
        self.dropped.append((page_id, client_ids))

    def node_gone(self) -> None:
        self.gone += 1


def _presence(client_id: int) -> bytes:
    awareness = Awareness(Doc(client_id=client_id))
    awareness.set_local_state({"user": {"name": "Camille", "color": "#30bced"}})
    return awareness.encode_awareness_update([client_id])


@pytest.fixture
def docsync() -> RedisDocSync:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis injoignable ({REDIS_URL}) : {error}")
    finally:
        client.close()
    sync = RedisDocSync(
        REDIS_URL, f"test-hb-{uuid.uuid4().hex}", Sink(), lambda _f: None, threading.Event()
    )
    yield sync
    sync.redis.close()


def test_a_silent_process_loses_its_presences_and_only_its_own(docsync: RedisDocSync) -> None:
    sink: Sink = docsync.sink  # type: ignore[assignment]
    for node in ("dead", "alive"):
        docsync.redis.set(docsync._alive_key(node), b"1", px=60_000)
    docsync.handle(encode(AWARENESS, "dead", 7, [41, 5], _presence(41)))
    docsync.handle(encode(AWARENESS, "dead", 7, [42, 5], _presence(42)))
    docsync.handle(encode(AWARENESS, "alive", 7, [42, 5], _presence(42)))  # 42 moved there
    assert docsync.reap() == [] and sink.dropped == []
    docsync.redis.delete(docsync._alive_key("dead"))  # what its TTL does once it is killed
    wait_for(lambda: docsync.reap() == ["dead"] or sink.dropped != [], what="processus mort")
    assert sink.dropped == [(7, [41])] and sink.gone == 1
    assert docsync.reap() == []  # forgotten: reaped once


def test_a_presence_a_local_connection_took_over_stays() -> None:
    presence = Presence(Doc())
    presence.apply_remote(_presence(41), {41: 5})
    presence.apply_remote(_presence(42), {42: 5})
    presence.apply("sid-1", 5, "Camille", _presence(42))  # the browser reconnected here
    presence.take_pending()
    assert presence.drop_remote([41, 42]) == [41]
    assert presence.state(41) is None and presence.state(42) is not None
    payload, _owners = presence.take_pending()
    assert payload is not None  # the removal is broadcast


@pytest.mark.parametrize("hops, seen", [(0, "127.0.0.1"), (1, "203.0.113.9")])
def test_forwarded_addresses_are_believed_only_when_configured(tmp_path, hops, seen) -> None:
    url = f"sqlite:///{tmp_path / 'proxy.db'}"
    migrate.upgrade(url)
    app = create_app(
        {
            "DATA_DIR": tmp_path,
            "DATABASE_URL": url,
            "SECRET_KEY": "proxy-test",
            "PROXY_HOPS": hops,
        }
    )
    app.add_url_rule("/_addr", "addr", lambda: request.remote_addr or "")
    client = app.test_client()
    response = client.get("/_addr", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.get_data(as_text=True) == seen
    with app.app_context():
        db.engine.dispose()
