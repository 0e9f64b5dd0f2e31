"""The README's multi-process deployment, end to end: Debian's nginx running the shipped
``deploy/nginx/cercle.conf`` in front of three Cercle processes (``python app.py``, each its
own PORT) on the local PostgreSQL (a throwaway schema) and Redis (a channel prefix of its
own). The servers are shared by the module; the ``kill -9`` test comes last.

Run: ``.venv/bin/pytest tests/scale -s`` (``-s`` prints the kill -9 figures).
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import os
import random
import re
import signal
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from pycrdt import Awareness, Doc
from sqlalchemy import create_engine, text

from collab import protocol
from tests.collab.conftest import SEED_TEXT, LiveServer, _seed, free_port
from tests.collab.test_live_server import _type_randomly
from tests.collab.yclient import YClient, wait_for
from tests.conftest import PG_URL, _postgres_schema_url
from wiki import migrate, questionnaires
from wiki.db import db
from wiki.models import Space, User

from .cluster import Cluster, Nginx, http_status, nginx_binary, start_all

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("CERCLE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PROCESSES = 3
#: the dead process's cursors must be gone from the others' screens within this long
CURSORS_GONE_S = 8.0

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


def _services_or_skip() -> str:
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx absent : apt-get install -y nginx-light (make test l'installe)")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis injoignable ({REDIS_URL}) : {error}")
    finally:
        client.close()
    return binary


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    binary = _services_or_skip()
    folder = tmp_path_factory.mktemp("scale")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    schema = "t_" + uuid.uuid4().hex[:12]
    url = _postgres_schema_url(admin, schema)
    migrate.upgrade(url)
    env = {
        "REDIS_URL": REDIS_URL,
        "COLLAB_REDIS_CHANNEL": f"test-scale-{uuid.uuid4().hex}",
        "COLLAB_RELEASE_SECONDS": "600",
        "CERCLE_PROXY_HOPS": "1",
    }
    data_dir = folder / "data"  # one data folder (uploads, search index) for every process
    data_dir.mkdir()
    servers = [LiveServer(data_dir, url, free_port(), dict(env)) for _ in range(PROCESSES)]
    _seed(servers[0])
    for server in servers[1:]:
        server.page_id, server.tokens = servers[0].page_id, servers[0].tokens
    nginx = Nginx(folder / "nginx", [s.port for s in servers])
    try:
        start_all(servers)
        nginx.start(binary)
        found = Cluster(servers, nginx)
        found.discover_routes()
        yield found
    finally:
        nginx.stop()
        for server in servers:
            if server.proc:
                server.stop(signal.SIGKILL)
        for server in servers[:1]:
            with server.app().app_context():
                db.engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
        gc.collect()


def _close(clients: list[Any]) -> None:
    for client in clients:
        if isinstance(client, YClient):
            client.close()
        else:
            client.disconnect()


def _no_traceback(cluster: Cluster) -> None:
    for server in cluster.servers:
        log = server.log()
        assert "Traceback" not in log, log[-3000:]


def _announce(client: YClient, name: str) -> int:
    awareness = Awareness(client.doc)
    awareness.set_local_state({"user": {"name": name, "color": "#30bced"}})
    client.send(
        protocol.awareness_message(awareness.encode_awareness_update([client.doc.client_id]))
    )
    return client.doc.client_id


def _visible(client: YClient) -> set[int]:
    """The presences a client shows now: every awareness message it got, applied in order."""
    mirror = Awareness(Doc())
    with client.lock:
        payloads = list(client.presence)
    for payload in payloads:
        mirror.apply_awareness_update(payload, "test")
    return set(mirror.states)


def test_clients_of_every_process_co_edit_and_the_page_stores_it(cluster: Cluster) -> None:
    clients = [
        cluster.client(i % PROCESSES, ("facilitator", "participant")[i % 2]) for i in range(6)
    ]
    late: list[YClient] = []
    try:
        wait_for(lambda: all(c.content() == SEED_TEXT for c in clients), what="état initial")
        typing = [
            threading.Thread(target=_type_randomly, args=(c, 40 + i, 120))
            for i, c in enumerate(clients)
        ]
        for thread in typing:
            thread.start()
        for thread in typing:
            thread.join(60)
        wait_for(lambda: len({c.content() for c in clients}) == 1, 30, "convergence")
        final = clients[0].content()
        assert len(final) > 300 and final.count("Bonjour") <= 1
        late = [cluster.client(i, "reader") for i in range(PROCESSES)]  # join through each
        wait_for(lambda: all(c.content() == final for c in late), what="document complet")
        server = cluster.servers[0]
        wait_for(lambda: server.stored_text() == (final, final), 20, "texte enregistré")
        assert all(c.errors == [] for c in clients + late)
        _no_traceback(cluster)
    finally:
        _close(clients + late)


def test_presence_reaches_clients_of_every_process(cluster: Cluster) -> None:
    announcer = cluster.client(0, "facilitator")
    watchers = [cluster.client(i, "reader") for i in range(1, PROCESSES)]
    try:
        client_id = _announce(announcer, "Camille")
        wait_for(lambda: all(client_id in _visible(w) for w in watchers), what="présence relayée")
    finally:
        _close([announcer, *watchers])


def test_live_results_reach_watchers_of_every_process(cluster: Cluster) -> None:
    app = cluster.servers[0].app()
    with app.app_context():
        facilitator = db.session.query(User).filter_by(email="facilitator@collab.test").one()
        space = db.session.query(Space).filter_by(slug="module").one()
        questionnaire = questionnaires.create(
            facilitator,
            space,
            title="Météo du réseau",
            anonymous=True,
            questions=[{"label": "Votre énergie", "type": "scale", "required": True}],
        )
        ids = questionnaire.id, questionnaire.questions[0].id
        db.session.remove() if hasattr(db.session, "remove") else db.session.close()
    watchers = [cluster.results_watcher(i) for i in range(PROCESSES)]
    try:
        for watcher in watchers:
            ack = watcher.call("watch", {"questionnaire_id": ids[0]}, namespace="/results")
            assert ack["ok"] is True and ack["results"]["respondents"] == 0
        status, _ = cluster.api(
            1,
            "POST",
            f"/questionnaires/{ids[0]}/answers",
            "participant",
            {"answers": {str(ids[1]): 4}},
        )
        assert status in (200, 201)
        wait_for(
            lambda: all(any(r["respondents"] == 1 for r in w.received) for w in watchers),
            what="résultats dans chaque processus",
        )
        nginx_log = cluster.nginx.access_log.read_text()
        assert "/answers" not in nginx_log  # the shipped log format keeps answers anonymous
    finally:
        _close(watchers)


def _fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    # urllib never decompresses: the bytes are what nginx sent
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
        return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()


def test_nginx_serves_the_hashed_names_from_disk_gzipped_for_a_year(cluster: Cluster) -> None:
    _, _, page = _fetch(cluster.nginx.url + "/connexion")
    named = re.search(r'href="(/static/css/cercle\.([0-9a-f]{12})\.css)"', page.decode())
    assert named, "the pages name cercle.css by its hash"
    source = (ROOT / "static" / "css" / "cercle.css").read_bytes()
    assert named[2] == hashlib.sha256(source).hexdigest()[:12]
    digest = hashlib.sha256((ROOT / "static" / "dist" / "viewer.js").read_bytes()).hexdigest()
    for url, path in (
        (named[1], "css/cercle.css"),
        (f"/static/dist/viewer.{digest[:12]}.js", "dist/viewer.js"),
    ):
        source = (ROOT / "static" / path).read_bytes()
        status, headers, body = _fetch(cluster.nginx.url + url, **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers["content-encoding"] == "gzip", headers
        assert gzip.decompress(body) == source
        assert headers["cache-control"] == "public, max-age=31536000, immutable"
        assert headers["vary"] == "Accept-Encoding"
        assert "content-security-policy" not in headers  # from disk: Cercle adds one
        status, headers, body = _fetch(cluster.nginx.url + url)
        assert status == 200 and "content-encoding" not in headers and body == source
    status, headers, body = _fetch(cluster.nginx.url + "/static/css/cercle.css")
    assert status == 200 and body == (ROOT / "static" / "css" / "cercle.css").read_bytes()
    assert "immutable" not in headers["cache-control"]
    assert http_status(cluster.nginx.url + "/static/dist/absent.0123456789ab.js") == 404
    assert http_status(cluster.nginx.url + "/healthz") == 200  # the rest still reaches Cercle


def test_search_stays_right_with_every_process_writing(cluster: Cluster) -> None:
    words = [f"coopmot{n}x" for n in range(PROCESSES * 3)]
    created: dict[int, int] = {}  # word number → page id

    def write(n: int) -> None:
        status, page = cluster.api(
            n % PROCESSES,
            "POST",
            "/spaces/module/pages",
            "facilitator",
            {"title": f"Fiche {words[n]}", "markdown": f"On parle de {words[n]} ici."},
        )
        assert status == 201, page
        created[n] = page["id"]

    threads = [threading.Thread(target=write, args=(n,)) for n in range(len(words))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(created) == len(words)
    # the same page rewritten by every process at once: the index must end on the stored text
    contested = created[0]
    rewrites = [f"versionmot{n}x" for n in range(PROCESSES * 2)]
    threads = [
        threading.Thread(
            target=cluster.api,
            args=(n % PROCESSES, "PUT", f"/pages/{contested}", "facilitator"),
            kwargs={"body": {"markdown": f"Réécrit : {word}"}},
        )
        for n, word in enumerate(rewrites)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    _, page = cluster.api(0, "GET", f"/pages/{contested}", "reader")
    winner = next(w for w in rewrites if w in page["markdown"])

    def found(server: int, word: str) -> set[int]:
        _, answer = cluster.api(server, "GET", f"/search?q={word}", "reader")
        return {hit["id"] for hit in answer["hits"] if hit["kind"] == "page"}

    def right() -> bool:
        return all(
            found(s, winner) == {contested}
            and all(found(s, w) == set() for w in rewrites if w != winner)
            and all(found(s, w) == {created[n]} for n, w in enumerate(words))
            for s in range(PROCESSES)
        )

    try:
        wait_for(right, 30, "index juste dans chaque processus")
    except AssertionError:
        seen = {s: {w: found(s, w) for w in [*words, *rewrites]} for s in range(PROCESSES)}
        raise AssertionError(f"{winner} {contested} {created}: {seen}") from None
    _no_traceback(cluster)


def _type_acked(
    client: YClient, prefix: str, count: int, acked: list[str], progress: threading.Event
) -> None:
    """Tokens typed one by one, each waiting for its acknowledgement; through a process
    dying under it, reconnecting (nginx picks another) and going on."""
    deadline = time.monotonic() + 90
    n = 0
    while n < count and time.monotonic() < deadline:
        token = f"<{prefix}{n}>"
        try:
            ack = client.insert_acked(len(client.content()), token, timeout=5)
        except Exception:  # the process died under the call: not acknowledged
            ack = None
        n += 1
        if isinstance(ack, dict) and ack.get("ok"):
            acked.append(token)
            progress.set()
        else:
            client.joined.wait(20)  # back through nginx, on another process


def test_kill_9_one_process_while_its_clients_type(cluster: Cluster) -> None:
    victim, survivors = PROCESSES - 1, list(range(PROCESSES - 1))
    typists = {f"v{i}": cluster.client(victim) for i in range(2)}
    typists |= {f"s{i}": cluster.client(i) for i in survivors}
    ghost = cluster.client(victim, "facilitator", reconnect=False)  # its tab closed with it
    watchers = [cluster.client(i, "reader") for i in survivors]
    everyone = [*typists.values(), ghost, *watchers]
    acked: dict[str, list[str]] = {name: [] for name in typists}
    try:
        ghost_id = _announce(ghost, "Fantôme")
        wait_for(lambda: all(ghost_id in _visible(w) for w in watchers), what="présence")
        progress = {name: threading.Event() for name in typists}
        threads = [
            threading.Thread(target=_type_acked, args=(c, name, 60, acked[name], progress[name]))
            for name, c in typists.items()
        ]
        for thread in threads:
            thread.start()
        wait_for(lambda: all(len(acked[n]) >= 15 for n in ("v0", "v1")), 60, "frappe")
        time.sleep(random.Random(3).uniform(0, 0.02))  # where in the next update: any moment
        killed_at = time.monotonic()
        cluster.servers[victim].stop(signal.SIGKILL)
        wait_for(lambda: all(ghost_id not in _visible(w) for w in watchers), 30, "curseur parti")
        cursor_gone_s = time.monotonic() - killed_at
        for thread in threads:
            thread.join(120)
        clients = list(typists.values()) + watchers
        try:
            wait_for(lambda: len({c.content() for c in clients}) == 1, 30, "convergence")
        except AssertionError:
            state = [(c.sio.connected, c.joined.is_set(), len(c.content())) for c in clients]
            logs = [s.log_path.read_text()[-1500:] for s in cluster.servers[:-1]]
            raise AssertionError(f"{state} {acked} {logs}") from None
        final = clients[0].content()
        server = cluster.servers[0]
        wait_for(lambda: server.stored_text() == (final, final), 20, "texte enregistré")
        stored = server.stored_text()[0]
        tokens = [t for name in typists for t in (f"<{name}{n}>" for n in range(60))]
        present = [t for t in tokens if t in stored]
        missing = [t for name in typists for t in acked[name] if t not in stored]
        duplicated = [t for t in present if stored.count(t) > 1]
        total_acked = sum(map(len, acked.values()))
        print(
            f"\nkill -9 of 1 of {PROCESSES} processes behind nginx (postgresql): "
            f"acknowledged {total_acked}, present {len(present)}, duplicated {len(duplicated)}, "
            f"missing {len(missing)}; the dead process's cursor gone after {cursor_gone_s:.1f} s"
        )
        assert missing == [] and duplicated == []
        assert all(len(acked[n]) > 15 for n in ("v0", "v1")), "frappe reprise ailleurs"
        assert cursor_gone_s < CURSORS_GONE_S
    finally:
        _close(everyone)
