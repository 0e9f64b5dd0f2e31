"""The live wall: a python-socketio client watching ``/results`` gets the new count after
someone answers through the API of a real server (one server for the module)."""

from __future__ import annotations

import gc
import json
import signal
import threading
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
import socketio

from tests.collab.conftest import LiveServer, free_port
from wiki import accounts, migrate, questionnaires
from wiki.db import db
from wiki.models import Membership, Space

pytestmark = pytest.mark.slow
NS = "/results"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[LiveServer, int, int]]:
    folder = tmp_path_factory.mktemp("results")
    data_dir = folder / "data"
    data_dir.mkdir()
    url = f"sqlite:///{folder / 'results.db'}"
    migrate.upgrade(url)
    live = LiveServer(data_dir, url, free_port())
    app = live.app()
    with app.app_context():
        people = {
            role: accounts.create_user(f"{role}@results.test", role.title(), "mdp-test-12345")
            for role in ("facilitator", "participant", "reader")
        }
        space = Space(slug="mur", title="Mur de réponses")
        db.session.add(space)
        db.session.flush()
        for role, user in people.items():
            db.session.add(Membership(space_id=space.id, user_id=user.id, role=role))
        db.session.commit()
        questionnaire = questionnaires.create(
            people["facilitator"],
            space,
            title="Météo",
            anonymous=True,
            questions=[{"label": "Votre énergie", "type": "scale", "required": True}],
        )
        live.tokens = {role: accounts.create_token(user) for role, user in people.items()}
        ids = (questionnaire.id, questionnaire.questions[0].id)
        db.engine.dispose()
    live.start()
    try:
        yield live, *ids
    finally:
        live.stop(signal.SIGKILL)
        gc.collect()


def _watcher(live: LiveServer, who: str) -> tuple[socketio.Client, list[dict], threading.Event]:
    received: list[dict[str, Any]] = []
    arrived = threading.Event()
    client = socketio.Client(reconnection=False)

    def on_results(data: dict[str, Any]) -> None:
        received.append(data)
        arrived.set()

    client.on("results", on_results, namespace=NS)
    client.connect(
        live.url, namespaces=[NS], transports=["websocket"], auth={"token": live.tokens[who]}
    )
    return client, received, arrived


def _answer(live: LiveServer, questionnaire_id: int, question_id: int, value: int) -> int:
    request = urllib.request.Request(
        f"{live.url}/api/v1/questionnaires/{questionnaire_id}/answers",
        data=json.dumps({"answers": {str(question_id): value}}).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {live.tokens['participant']}",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def test_a_watcher_receives_the_new_count_after_an_answer(server):
    live, questionnaire_id, question_id = server
    client, received, arrived = _watcher(live, "reader")
    try:
        ack = client.call("watch", {"questionnaire_id": questionnaire_id}, namespace=NS, timeout=10)
        assert ack["ok"] is True
        before = ack["results"]["respondents"]
        assert _answer(live, questionnaire_id, question_id, 4) in (200, 201)
        assert arrived.wait(10), "aucun résultat reçu"
        latest = received[-1]
        assert latest["respondents"] == before + 1
        scale = latest["questions"][0]
        assert scale["counts"]["4"] >= 1 and scale["svg"].startswith("<svg")
        assert "me" not in latest  # a broadcast carries nobody's own result
        assert f"questionnaires/{questionnaire_id}/answers" not in live.log_path.read_text()
    finally:
        client.disconnect()


def test_watch_refusals_are_answered_in_words(server):
    live, questionnaire_id, _question_id = server
    client, _received, _arrived = _watcher(live, "reader")
    try:
        bad = client.call("watch", {"questionnaire_id": "x"}, namespace=NS, timeout=10)
        assert bad["ok"] is False and "questionnaire_id" in bad["error"]["message"]
        missing = client.call("watch", {"questionnaire_id": 999_999}, namespace=NS, timeout=10)
        assert missing["ok"] is False and missing["error"]["code"] == "not_found"
        left = client.call("unwatch", {"questionnaire_id": questionnaire_id}, namespace=NS)
        assert left == {"ok": True}
    finally:
        client.disconnect()
