"""``kill -9`` of a real server process while someone types, on SQLite and PostgreSQL:
every acknowledged update is in the update log, once; after the restart the page (API and
HTML) shows the whole live text, not the last write-back."""

from __future__ import annotations

import json
import random
import signal
import threading
import time
import urllib.request
from typing import Any

import pytest

from .conftest import SEED_TEXT, LiveServer
from .yclient import YClient, wait_for

pytestmark = [
    pytest.mark.slow,
    # python-engineio's client leaves its socket to the GC when the server dies under it
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]
ROUNDS = 5


def _api_markdown(server: LiveServer) -> str:
    request = urllib.request.Request(
        f"{server.url}/api/v1/pages/{server.page_id}",
        headers={"Authorization": f"Bearer {server.tokens['reader']}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["markdown"]


def _type_until_killed(
    server: LiveServer, round_no: int, kill_after: int, jitter_s: float = 0.0
) -> list[str]:
    """Tokens typed one by one, each waiting for its acknowledgement; a thread kills the
    server ``jitter_s`` after the ``kill_after``-th one, while the next is on its way (being
    applied, queued, stored or acknowledged: the jitter spreads the kill over those)."""
    client = YClient(server.url, server.tokens["participant"], server.page_id, reconnect=False)
    client.connect()
    wait_for(lambda: SEED_TEXT in client.content(), what="document reçu")
    acked: list[str] = []
    enough = threading.Event()

    def killer() -> None:
        enough.wait(30)
        time.sleep(jitter_s)  # not a wait for a condition: where in the next update to kill
        server.stop(signal.SIGKILL)

    thread = threading.Thread(target=killer)
    thread.start()
    try:
        for i in range(10_000):
            token = f"<r{round_no}t{i}>"
            try:
                ack: Any = client.insert_acked(len(client.content()), token, timeout=5)
            except Exception:  # the server died under the call: not acknowledged
                break
            if not (isinstance(ack, dict) and ack.get("ok")):
                break
            acked.append(token)
            if len(acked) == kill_after:
                enough.set()
    finally:
        enough.set()
        thread.join()
        client.close()
    return acked


def test_kill_9_loses_no_acknowledged_update(live_db: LiveServer, database_url: str) -> None:
    rng = random.Random(8)
    rows = []
    for round_no in range(ROUNDS):
        live_db.start()
        acked = _type_until_killed(
            live_db, round_no, kill_after=rng.randint(20, 60), jitter_s=rng.uniform(0, 0.012)
        )
        stored = live_db.stored_text()[0]
        mine = [t for t in (f"<r{round_no}t{i}>" for i in range(len(acked) + 2)) if t in stored]
        missing = [t for t in acked if t not in stored]
        duplicated = [t for t in mine if stored.count(t) > 1]
        rows.append((round_no + 1, len(acked), len(mine), len(duplicated), len(missing)))
        assert acked, "aucun accusé de réception"
        assert missing == [], f"accusés mais perdus : {missing}"
        assert duplicated == []
    backend = database_url.split(":", 1)[0].split("+")[0]
    table = "\n".join(
        [f"kill -9 ({backend}) round acknowledged present duplicated missing"]
        + ["  {:>5} {:>12} {:>7} {:>10} {:>7}".format(*row) for row in rows]
    )
    print("\n" + table)  # the figures for the closing note (run with -s)


def test_after_kill_9_the_page_shows_the_whole_live_text(live_db: LiveServer) -> None:
    live_db.env_extra["COLLAB_WRITEBACK_SECONDS"] = "600"  # nothing written back: the log only
    live_db.start()
    acked = _type_until_killed(live_db, 0, kill_after=15)
    log_text, markdown = live_db.stored_text()
    assert all(t in log_text for t in acked) and acked[-1] not in markdown  # behind: the crash
    live_db.start()
    assert _api_markdown(live_db) == log_text  # the first read after the restart
    assert live_db.stored_text() == (log_text, log_text)
