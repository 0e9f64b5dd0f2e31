"""Python clients (pycrdt + python-socketio) against a real server process on loopback."""

from __future__ import annotations

import random
import signal
import threading
import time

import pytest
import socketio
from pycrdt import Doc, Text, create_update_message

from collab import protocol

from .conftest import SEED_TEXT, LiveServer
from .yclient import NS, YClient, wait_for

pytestmark = [
    pytest.mark.slow,
    # python-engineio's client leaves its socket to the GC when the server dies under it
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


def _type_randomly(client: YClient, seed: int, ops: int, pause: float = 0.005) -> None:
    rng = random.Random(seed)
    for _ in range(ops):
        length = len(client.content())
        if length > 20 and rng.random() < 0.3:
            start = rng.randrange(length - 3)
            client.delete(start, rng.randint(1, 3))
        else:
            client.insert(rng.randint(0, length), rng.choice(["a", "é", "coop ", "\n", "ß", "ô"]))
        time.sleep(pause * rng.random())


def _converged(clients: list[YClient]) -> bool:
    texts = {c.content() for c in clients}
    return len(texts) == 1


def test_five_clients_converge_and_page_is_stored(live_collab: LiveServer) -> None:
    roles = ["facilitator", "participant", "facilitator", "participant", "facilitator"]
    clients = [
        YClient(live_collab.url, live_collab.tokens[r], live_collab.page_id).connect()
        for r in roles
    ]
    try:
        wait_for(lambda: all(c.content() == SEED_TEXT for c in clients), what="état initial")
        threads = [
            threading.Thread(target=_type_randomly, args=(c, i, 120)) for i, c in enumerate(clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wait_for(lambda: _converged(clients), what="convergence des 5 clients")
        final = clients[0].content()
        assert len(final) > 200 and final.count("Bonjour") <= 1
        wait_for(lambda: live_collab.stored_text() == (final, final), what="page enregistrée")
        assert all(c.errors == [] for c in clients)
    finally:
        for c in clients:
            c.close()


def test_reader_update_is_refused(live_collab: LiveServer) -> None:
    writer = YClient(live_collab.url, live_collab.tokens["participant"], live_collab.page_id)
    reader = YClient(live_collab.url, live_collab.tokens["reader"], live_collab.page_id)
    writer.connect(), reader.connect()
    try:
        assert writer.writable is True and reader.writable is False
        wait_for(lambda: reader.content() == SEED_TEXT, what="le lecteur reçoit la page")
        reader.insert(0, "INTRUS ")  # its own doc changes; the server must refuse it
        wait_for(lambda: reader.errors, what="erreur envoyée au lecteur")
        assert reader.errors[0]["code"] == "forbidden"
        assert "rôle" in reader.errors[0]["message"]
        writer.insert(0, "Titre : ")
        wait_for(lambda: "Titre : " in reader.content(), what="le lecteur voit les modifications")
        time.sleep(0.3)
        assert "INTRUS" not in writer.content()
        assert "INTRUS" not in live_collab.stored_text()[0]
    finally:
        writer.close(), reader.close()


def test_malformed_and_oversized_updates_are_refused(live_collab: LiveServer) -> None:
    client = YClient(live_collab.url, live_collab.tokens["participant"], live_collab.page_id)
    client.connect()
    try:
        client.send(b"\x00\x02\x05garbage")  # bad length
        client.send(create_update_message(b"not an update at all"))
        client.send(b"\x07")
        client.send(create_update_message(b"\x00" * (2 * 1024 * 1024 + 10)))
        wait_for(lambda: len(client.errors) >= 4, what="4 refus")
        codes = sorted(e["code"] for e in client.errors)
        assert codes == ["malformed", "malformed", "malformed", "too_large"]
        client.insert(0, "ok ")
        wait_for(lambda: live_collab.stored_text()[0].startswith("ok # Fiche"), what="vivant")
    finally:
        client.close()


def test_connection_without_credentials_is_refused(live_collab: LiveServer) -> None:
    sio = socketio.Client(reconnection=False)
    for auth in (None, {"token": "cercle_faux"}):
        with pytest.raises(socketio.exceptions.ConnectionError):
            sio.connect(
                live_collab.url,
                namespaces=[NS],
                transports=["websocket"],
                auth=auth,
                wait_timeout=2,
            )


def test_restart_mid_session_reconnects_without_duplication(live_collab: LiveServer) -> None:
    a = YClient(live_collab.url, live_collab.tokens["facilitator"], live_collab.page_id).connect()
    b = YClient(live_collab.url, live_collab.tokens["participant"], live_collab.page_id).connect()
    try:
        wait_for(lambda: a.content() == SEED_TEXT == b.content(), what="état initial")
        a.insert(0, "A1 ")
        b.insert(len(b.content()), "B1")
        wait_for(lambda: _converged([a, b]) and "B1" in a.content(), what="avant redémarrage")
        live_collab.stop(signal.SIGTERM)
        a.insert(0, "hors-ligne ")  # typed while the server is down
        live_collab.start()
        wait_for(lambda: a.joined.is_set() and b.joined.is_set(), what="reconnexion")
        wait_for(lambda: "hors-ligne" in b.content(), what="l'hors-ligne est fusionné")
        b.insert(len(b.content()), "B2")
        expected = "hors-ligne A1 " + SEED_TEXT + "B1B2"
        wait_for(lambda: a.content() == expected == b.content(), what="après redémarrage")
        wait_for(lambda: live_collab.stored_text() == (expected, expected), what="stocké")
        assert expected.count("Bonjour") == 1
    finally:
        a.close(), b.close()


def test_kill_9_keeps_every_broadcast_update(live_collab: LiveServer) -> None:
    writers = [
        YClient(live_collab.url, live_collab.tokens[r], live_collab.page_id).connect()
        for r in ("facilitator", "participant", "facilitator")
    ]
    observer = YClient(
        live_collab.url, live_collab.tokens["reader"], live_collab.page_id, reconnect=False
    ).connect()
    stop = threading.Event()

    def typing(client: YClient, seed: int) -> None:
        rng = random.Random(seed)
        while not stop.is_set():
            client.insert(rng.randint(0, len(client.content())), rng.choice("abcdé "))
            time.sleep(0.003)

    threads = [threading.Thread(target=typing, args=(c, i)) for i, c in enumerate(writers)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    live_collab.stop(signal.SIGKILL)  # while they type
    stop.set()
    for t in threads:
        t.join()
    observer.close()
    try:
        _check_kill_9(live_collab, observer, writers)
    finally:
        for w in writers:
            w.close()


def _check_kill_9(live_collab: LiveServer, observer: YClient, writers: list[YClient]) -> None:
    with observer.lock:
        seen = Doc()
        seen.apply_update(observer.doc.get_update())
    seen_text = str(seen.get("content", type=Text))
    assert len(seen_text) > len(SEED_TEXT) + 50
    stored = live_collab.stored_doc()
    stored_sv = protocol.decode_state_vector(stored.get_state())
    for client_id, clock in protocol.decode_state_vector(seen.get_state()).items():
        assert stored_sv.get(client_id, 0) >= clock, "une modification diffusée a été perdue"
    before = str(stored.get("content", type=Text))
    stored.apply_update(seen.get_update())
    assert str(stored.get("content", type=Text)) == before
    # after restart, the writers' unsent keystrokes come back too, once
    live_collab.start()
    wait_for(
        lambda: _converged(writers) and all(w.joined.is_set() for w in writers),
        what="reconvergence",
    )
    final = writers[0].content()
    wait_for(lambda: live_collab.stored_text()[0] == final, what="tout est stocké")
    assert final.count("B") == 1 and final.count("F") == 1  # the seed is there once
