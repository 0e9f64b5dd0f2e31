"""Schemathesis against /api/v1/openapi.json, in-process on the WSGI app: every phase
(examples, coverage, fuzzing, stateful) and every check, as a facilitator, a reader and
anonymously. The schema and the server must agree: what the document allows is accepted,
what it forbids is refused, and every answer has the status, headers and body it promises.

Run alone: ``.venv/bin/pytest -q -p no:cacheprovider tests/integration/test_schemathesis.py``.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.transport.wsgi import WSGITransport

from wiki import accounts
from wiki import tokens as api_tokens

pytestmark = pytest.mark.slow
log = logging.getLogger(__name__)

#: per operation and phase; 30 finds what 100 finds here, in a fifth of the time
MAX_EXAMPLES = 30
SCHEMA_PATH = "/api/v1/openapi.json"
#: what counts as refusing invalid input: Schemathesis's list (5xx is judged by the
#: ``not_a_server_error`` check), plus 413, this API's answer to a text over its limit
REFUSALS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "423", "428"]
REFUSALS += ["429", "5xx"]
# Socket-level settings the engine passes along, which an in-process call has no use for.
_SOCKET_KWARGS = ("max_redirects", "verify", "cert", "proxies")


@pytest.fixture
def app_config(app_config: dict) -> dict:
    # The in-tree search fake: the fuzz is about the API, not about Whoosh's files.
    return {**app_config, "SEARCH_BACKEND": "memory"}


@pytest.fixture(autouse=True)
def _in_process_probes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Schemathesis 4.32.5 sends the ``ignored_auth`` probe to a WSGI app with the
    engine's socket settings but without a session, and Werkzeug's client refuses the
    unknown ``max_redirects``; drop them as its own code does when a session is given."""
    send = WSGITransport.send

    def send_in_process(self: WSGITransport, case: Any, *, session: Any = None, **kwargs: Any):
        if session is None:
            for name in _SOCKET_KWARGS:
                kwargs.pop(name, None)
        return send(self, case, session=session, **kwargs)

    monkeypatch.setattr(WSGITransport, "send", send_in_process)


@pytest.fixture(scope="module", autouse=True)
def _file_contents() -> None:
    """Uploads are recognised by their content: give the fuzzer files of accepted types
    (the document lists them as the multipart ``encoding`` of « file »)."""
    tail = st.binary(max_size=64)
    schemathesis.openapi.media_type("image/png", tail.map(lambda b: b"\x89PNG\r\n\x1a\n" + b))
    schemathesis.openapi.media_type("image/gif", tail.map(lambda b: b"GIF89a" + b))
    text = st.text(st.characters(codec="utf-8", exclude_characters="<\x00"), min_size=1)
    schemathesis.openapi.media_type("text/plain", text.map(str.encode))


def _fresh_contexts(app: Flask) -> Callable:
    """The app as a server runs it: each request in its own app context (own ``g`` and
    database session), not in the one the test holds open."""

    def wsgi(environ: dict, start_response: Callable) -> Any:
        return contextvars.Context().run(app, environ, start_response)

    return wsgi


def _config(token: str | None) -> SchemathesisConfig:
    config = SchemathesisConfig.from_dict(
        {
            "checks": {
                "negative_data_rejection": {"expected-statuses": REFUSALS},
            },
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
        }
    )
    project = config.projects.override
    project.checks.update(included_check_names=["all"])
    if token is not None:
        project.update(headers={"Authorization": f"Bearer {token}"})
    return config


@dataclass(repr=False)
class Outcome:
    operations: set[str] = field(default_factory=set)
    cases: int = 0
    failures: Counter = field(default_factory=Counter)
    samples: dict[tuple[str, str], str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def record(self, recorder: Any) -> None:
        self.operations.add(recorder.label)
        self.cases += len(recorder.cases)
        for case_id, checks in recorder.checks.items():
            for check in checks:
                if check.failure_info is None:
                    continue
                key = (recorder.label, check.failure_info.failure.title)
                self.failures[key] += 1
                interaction = recorder.interactions.get(case_id)
                answer = getattr(getattr(interaction, "response", None), "status_code", "?")
                self.samples.setdefault(
                    key,
                    f"{check.failure_info.failure.message}\n{check.failure_info.code_sample}"
                    f"\n→ {answer}",
                )

    def __repr__(self) -> str:
        return f"Outcome({sum(self.failures.values())} failures, {len(self.errors)} errors)"

    @property
    def clean(self) -> bool:
        return not self.errors and not self.failures

    def summary(self, who: str) -> str:
        return (
            f"schemathesis {schemathesis.SCHEMATHESIS_VERSION} as {who}: "
            f"{len(self.operations)} operations, {self.cases} test cases, "
            f"{sum(self.failures.values())} failures, {len(self.errors)} errors "
            f"in {self.seconds:.1f}s"
        )

    def report(self) -> str:
        lines = [
            f"{n}× {label}: {title}\n{self.samples[(label, title)][:1500]}"
            for (label, title), n in self.failures.items()
        ]
        return "\n\n".join([*lines, *self.errors])


def _dates_in_order(_context: Any, case: Any) -> bool:
    """JSON Schema cannot say that ``ends_on`` follows ``starts_on``: a space generated as
    valid must not end before it starts (the server's 400 there is right)."""
    body = case.body if isinstance(case.body, dict) else {}
    starts, ends = body.get("starts_on"), body.get("ends_on")
    if not case.meta.generation.mode.is_positive or not (starts and ends):
        return True
    try:
        return dt.date.fromisoformat(ends) >= dt.date.fromisoformat(starts)
    except (TypeError, ValueError):
        return True


def _keeps_the_callers_token(own_id: int | None) -> Callable[[Any, Any], bool]:
    """``DELETE /tokens/{id}`` of the very token the run calls with is allowed (a script may
    sign itself out, tested in tests/ops), but here it would turn every later case into a
    401 and hide what they would find: leave that one case out."""

    def keep(context: Any, case: Any) -> bool:
        revokes_itself = (
            case.method.upper() == "DELETE"
            and case.path.endswith("/tokens/{id}")
            and case.path_parameters.get("id") == own_id
        )
        return not revokes_itself and _dates_in_order(context, case)

    return keep


def _run(app: Flask, token: str | None) -> Outcome:
    schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, app, config=_config(token))
    schema.app = _fresh_contexts(app)
    own = api_tokens.find(token) if token is not None else None
    schema.hook("filter_case")(_keeps_the_callers_token(own.id if own is not None else None))
    outcome = Outcome()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            outcome.record(event.recorder)
        elif isinstance(event, events.NonFatalError):
            outcome.errors.append(f"{event.label}: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            outcome.errors.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            outcome.seconds = event.running_time
    return outcome


@pytest.fixture
def tokens(personas) -> dict[str, str]:
    """Tokens of the personas; the API creates whatever else the run reads."""
    return {
        "facilitator": accounts.create_token(personas.facilitator),
        "reader": accounts.create_token(personas.reader),
    }


# Every persona on SQLite; on PostgreSQL the one who writes, where the backends differ.
@pytest.mark.parametrize(
    ("database_url", "who"),
    [
        ("sqlite", "facilitator"),
        ("sqlite", "reader"),
        ("sqlite", "anonymous"),
        ("postgresql", "facilitator"),
    ],
    indirect=["database_url"],
)
def test_the_api_keeps_its_openapi_promises(app, tokens, who):
    outcome = _run(app, tokens.get(who))
    # ``-o log_cli=true --log-cli-level=INFO`` shows it: the figure a review asks for.
    log.info(outcome.summary(who))
    assert outcome.clean, outcome.report()
    assert len(outcome.operations) >= 14
