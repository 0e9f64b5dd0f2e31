"""Two real server processes on one database (SQLite and PostgreSQL) and one Redis
(REDIS_URL): clients of both type at once; every client and both servers' documents converge
(STACK-NOTES 7b). The deployment behind nginx is tested by tests/scale/test_nginx.py."""

from __future__ import annotations

import gc
import os
import signal
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from pycrdt import Awareness

from collab import protocol
from wiki import migrate
from wiki.db import db

from .conftest import SEED_TEXT, LiveServer, _seed, free_port
from .test_live_server import _type_randomly
from .yclient import YClient, wait_for

REDIS_URL = os.environ.get("CERCLE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


def _redis_or_skip() -> None:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis injoignable ({REDIS_URL}) : {error}")
    finally:
        client.close()


@pytest.fixture
def two_servers(tmp_path, database_url) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two processes on one database: a SQLite file (WAL: both read and write it) and a
    PostgreSQL schema (``database_url``, as deployed with several processes)."""
    _redis_or_skip()
    url = database_url
    migrate.upgrade(url)
    env = {
        "REDIS_URL": REDIS_URL,
        "COLLAB_REDIS_CHANNEL": f"test-{uuid.uuid4().hex}",
        "COLLAB_RELEASE_SECONDS": "600",
    }
    servers = []
    for name in ("a", "b"):
        data_dir = tmp_path / name  # own search index; the database is shared
        data_dir.mkdir()
        servers.append(LiveServer(data_dir, url, free_port(), dict(env)))
    _seed(servers[0])
    servers[1].page_id, servers[1].tokens = servers[0].page_id, servers[0].tokens
    try:
        for server in servers:
            server.start()
        yield servers[0], servers[1]
    finally:
        for server in servers:
            if server.proc:
                server.stop(signal.SIGKILL)
        with servers[0].app().app_context():
            db.engine.dispose()  # before the PostgreSQL schema is dropped
        gc.collect()


def _client(server: LiveServer, role: str) -> YClient:
    return YClient(server.url, server.tokens[role], server.page_id).connect()


def _announce(client: YClient, name: str) -> int:
    """Send a presence (awareness) state as the editor does; returns its Yjs client id."""
    awareness = Awareness(client.doc)
    awareness.set_local_state({"user": {"name": name, "color": "#30bced"}})
    client.send(
        protocol.awareness_message(awareness.encode_awareness_update([client.doc.client_id]))
    )
    return client.doc.client_id


def _presence_ids(client: YClient) -> set[int]:
    return {i for p in list(client.presence) for i in protocol.awareness_client_ids(p)}


def test_two_processes_converge_and_store_one_text(two_servers) -> None:
    a, b = two_servers
    clients = [
        _client(a, "facilitator"),
        _client(b, "participant"),
        _client(a, "participant"),
        _client(b, "facilitator"),
    ]
    late: list[YClient] = []
    try:
        wait_for(lambda: all(c.content() == SEED_TEXT for c in clients), what="état initial")
        typing = [
            threading.Thread(target=_type_randomly, args=(c, i, 150)) for i, c in enumerate(clients)
        ]
        for thread in typing:
            thread.start()
        time.sleep(0.3)
        late.append(_client(b, "reader"))  # joins B while A's updates are in flight
        late.append(_client(a, "reader"))
        for thread in typing:
            thread.join()
        everyone = clients + late
        wait_for(lambda: len({c.content() for c in everyone}) == 1, what="convergence")
        final = clients[0].content()
        assert len(final) > 300 and final.count("Bonjour") <= 1  # never seeded twice
        # each server's own document: what a newcomer receives from it
        fresh = [_client(a, "reader"), _client(b, "reader")]
        late += fresh
        wait_for(lambda: all(c.content() == final for c in fresh), what="documents serveurs")
        wait_for(lambda: a.stored_text() == (final, final), what="texte enregistré")
        for client in (clients[1], clients[3]):  # on B: A's updates came once, by the queue
            assert len(set(client.received)) == len(client.received)
        assert all(c.errors == [] for c in everyone)
        for server in (a, b):
            assert "Traceback" not in server.log(), server.log()
    finally:
        for client in clients + late:
            client.close()


def test_presence_crosses_processes(two_servers) -> None:
    a, b = two_servers
    on_a = _client(a, "facilitator")
    watcher = _client(b, "participant")
    newcomer: YClient | None = None
    try:
        client_id = _announce(on_a, "Camille")
        wait_for(lambda: client_id in _presence_ids(watcher), what="présence relayée")
        time.sleep(0.3)  # B's mirror has applied A's message
        newcomer = _client(b, "reader")  # B's join ack carries presences typed on A
        wait_for(lambda: client_id in _presence_ids(newcomer), what="présence au join")
        assert len(watcher.presence) == 1  # relayed once (the queue), not twice
    finally:
        for client in (on_a, watcher, newcomer):
            if client is not None:
                client.close()


def test_revoking_a_token_on_one_process_closes_its_connection_on_the_other(two_servers) -> None:
    """The token is revoked through process A; its live connection, held by process B, is
    closed by B (the revocation crosses processes on Redis), the other token's stays."""
    import requests

    a, b = two_servers
    revoked = YClient(b.url, b.tokens["participant"], b.page_id, reconnect=False).connect()
    kept = YClient(b.url, b.tokens["facilitator"], b.page_id, reconnect=False).connect()
    try:
        headers = {"Authorization": f"Bearer {a.tokens['participant']}"}
        listed = requests.get(f"{a.url}/api/v1/tokens", headers=headers, timeout=10).json()
        token_id = listed[0]["id"]  # the seed gives each person one token
        deleted = requests.delete(f"{a.url}/api/v1/tokens/{token_id}", headers=headers, timeout=10)
        assert deleted.status_code == 204
        wait_for(lambda: not revoked.sio.connected, what="connexion fermée sur l'autre processus")
        assert kept.sio.connected
    finally:
        for client in (revoked, kept):
            if client.sio.connected:
                client.close()
