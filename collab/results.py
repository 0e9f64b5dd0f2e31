"""Live questionnaire results (the "mur de réponses"): Socket.IO namespace ``/results``.

A client emits ``watch`` ``{"questionnaire_id": n}`` (plus ``"link_token"`` for someone who
came with the link of an "anyone with the link" questionnaire) and gets
``{"ok": true, "results": …}`` (its own result included) once READ and the questionnaire's
results visibility are checked by ``wiki.questionnaire_results``; it then sits in the room
``results:<n>``. After every committed answer the service sends
``wiki.events.answers_changed``; the broadcaster emits
``results`` (the same dict, without anyone's own result) to the room, at most once per
``COALESCE_SECONDS`` (30 ms) per questionnaire: the first answer of a burst goes out at
once, the ones that follow within the window go together (one computation for the room,
whatever the number of walls; the questions whose answers did not change come from
``wiki.questionnaire_memo``). A word a facilitator hides or shows again goes to the room at
once as ``word`` ``{"questionnaire_id", "question_id", "stem", "hidden"}``, so every wall
(other tabs of facilitators included) takes it off or puts it back. ``unwatch`` leaves. Nothing is
computed for a questionnaire nobody watches in this process (with ``REDIS_URL``, watchers
may sit in another process, so every change is emitted through the queue).

Connecting needs no account (a link-visible space shows results to anyone allowed to
read it); ``watch`` says why it refuses. Domain errors become ``{"ok": false, "error":
{code, message}}`` in ``_answered``, the one place.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, has_app_context, request
from flask_babel import lazy_gettext as _l
from flask_socketio import Namespace, SocketIO, join_room, leave_room

from wiki import access_logs, events, questionnaire_results
from wiki.db import db
from wiki.errors import CercleError, NotFound, ValidationError
from wiki.models import User
from wiki.questionnaire_core import load

from . import credentials
from .hub import Credential

NAMESPACE = "/results"
EVENT = "results"
WORD_EVENT = "word"
#: an emit and its computation take ~10 ms: a shorter window would only send more of them
COALESCE_SECONDS = 0.03
EXTENSION_KEY = "cercle.results"
log = logging.getLogger(__name__)


def room_name(questionnaire_id: int) -> str:
    return f"results:{questionnaire_id}"


class ResultsBroadcaster:
    """Turns ``answers_changed`` signals into coalesced ``results`` emits, off the request."""

    def __init__(self, app: Flask, socketio: SocketIO, interval: float = COALESCE_SECONDS):
        self.app, self.socketio, self.interval = app, socketio, interval
        #: sid → questionnaires it watches, in this process
        self.watchers: dict[str, set[int]] = {}
        #: with several processes, a watcher may sit in another one: always emit
        self.everywhere = bool(app.config.get("REDIS_URL"))
        self.pending: set[int] = set()
        self.last_emit: dict[int, float] = {}
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.stopped = threading.Event()
        self._started = False

    def on_answers_changed(self, sender: Any, word: dict[str, Any] | None = None, **_: Any) -> None:
        if has_app_context() and current_app._get_current_object() is not self.app:
            return  # another app of this process (tests create many)
        questionnaire_id = getattr(sender, "id", None)
        if not isinstance(questionnaire_id, int):
            return
        if word is not None:
            self.socketio.emit(
                WORD_EVENT,
                {"questionnaire_id": questionnaire_id, **word},
                to=room_name(questionnaire_id),
                namespace=NAMESPACE,
            )
        self.mark(questionnaire_id)

    def watch(self, sid: str, questionnaire_id: int, watching: bool = True) -> None:
        with self.lock:
            watched = self.watchers.setdefault(sid, set())
            (watched.add if watching else watched.discard)(questionnaire_id)

    def forget(self, sid: str) -> None:
        with self.lock:
            self.watchers.pop(sid, None)

    def _watched(self, questionnaire_id: int) -> bool:
        return self.everywhere or any(questionnaire_id in w for w in self.watchers.values())

    def mark(self, questionnaire_id: int) -> None:
        """Schedule an emit; nothing is computed for a questionnaire nobody watches."""
        with self.lock:
            if not self._watched(questionnaire_id):
                return
            self.pending.add(questionnaire_id)
            if not self._started:
                self._started = True
                self.socketio.start_background_task(self.run)
        self.wake.set()

    def _due(self) -> tuple[list[int], float | None]:
        """Questionnaires to emit now, and how long until the next one is due."""
        now, due, wait = time.monotonic(), [], None
        with self.lock:
            for questionnaire_id in list(self.pending):
                left = self.last_emit.get(questionnaire_id, -1e9) + self.interval - now
                if left <= 0:
                    due.append(questionnaire_id)
                    self.pending.discard(questionnaire_id)
                    self.last_emit[questionnaire_id] = now
                else:
                    wait = left if wait is None else min(wait, left)
        return due, wait

    def run(self) -> None:
        while not self.stopped.is_set():
            self.wake.wait(timeout=1.0)
            self.wake.clear()
            due, wait = self._due()
            for questionnaire_id in due:
                self.emit(questionnaire_id)
            if wait is not None:
                time.sleep(wait)
                self.wake.set()

    def emit(self, questionnaire_id: int) -> None:
        with self.app.app_context():
            try:
                found = questionnaire_results.compute(load(questionnaire_id))
            except NotFound:
                return
            except Exception:  # a failed emit must not stop the wall for everyone
                log.exception("Résultats en direct : calcul impossible")
                return
            finally:
                db.session.rollback()
        self.socketio.emit(EVENT, found, to=room_name(questionnaire_id), namespace=NAMESPACE)


def _answered(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Every call gets an answer: the handler's, or the domain error in words."""

    @functools.wraps(handler)
    def wrapper(self: ResultsNamespace, *args: Any) -> Any:
        try:
            return handler(self, *args)
        except CercleError as error:
            db.session.rollback()
            return {"ok": False, "error": {"code": error.code, "message": error.message}}

    return wrapper


def _questionnaire_id(data: Any) -> int:
    value = data.get("questionnaire_id") if isinstance(data, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationError(_l('Identifiant attendu : {"questionnaire_id": <nombre>}.'))
    return value


class ResultsNamespace(Namespace):
    def __init__(self, broadcaster: ResultsBroadcaster, started: Callable[[], None]) -> None:
        super().__init__(NAMESPACE)
        self.broadcaster = broadcaster
        self._started = started
        self.users: dict[str, int | None] = {}
        self.credential_of: dict[str, Credential] = {}

    def on_connect(self, auth: Any = None) -> None:
        # anonymous visitors watch link-shared results: no user, nothing to revoke
        user, credential = credentials.identify(auth)
        self._started()
        self.users[request.sid] = user.id if user is not None else None
        self.credential_of[request.sid] = credential

    def on_disconnect(self, *_args: Any) -> None:
        self.users.pop(request.sid, None)
        self.credential_of.pop(request.sid, None)
        self.broadcaster.forget(request.sid)

    def sids_of(self, token_id: int | None, session_ids: frozenset[int]) -> list[str]:
        """The connections opened with this API token or these sessions (to close them)."""
        return [
            sid
            for sid, credential in list(self.credential_of.items())
            if credential.matches(token_id, session_ids)
        ]

    def _user(self) -> User | None:
        user_id = self.users.get(request.sid)
        return db.session.get(User, user_id) if user_id is not None else None

    @_answered
    def on_watch(self, data: Any = None) -> dict[str, Any]:
        questionnaire_id = _questionnaire_id(data)
        link_token = data.get("link_token") if isinstance(data, dict) else None
        found = questionnaire_results.results(
            self._user(),
            questionnaire_id,
            link_token=link_token if isinstance(link_token, str) else None,
        )
        join_room(room_name(questionnaire_id))
        self.broadcaster.watch(request.sid, questionnaire_id)
        return {"ok": True, "results": found}

    @_answered
    def on_unwatch(self, data: Any = None) -> dict[str, Any]:
        questionnaire_id = _questionnaire_id(data)
        leave_room(room_name(questionnaire_id))
        self.broadcaster.watch(request.sid, questionnaire_id, watching=False)
        return {"ok": True}


def init_app(
    app: Flask, socketio: SocketIO, started: Callable[[], None]
) -> tuple[ResultsBroadcaster, ResultsNamespace]:
    # the server's access log would pair an address and a time with each answer
    access_logs.hide_answer_submissions()
    broadcaster = ResultsBroadcaster(app, socketio)
    # blinker holds receivers weakly: the broadcaster lives in app.extensions, with the app
    events.answers_changed.connect(broadcaster.on_answers_changed)
    namespace = ResultsNamespace(broadcaster, started)
    socketio.on_namespace(namespace)
    app.extensions[EXTENSION_KEY] = broadcaster
    return broadcaster, namespace
