"""Schemathesis on the two export routes alone (the whole API's run is in
tests/integration/test_schemathesis.py): never a 5xx, always the documented answer."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.engine import events, from_schema

from tests.integration import test_schemathesis as fuzz

_in_process_probes = fuzz._in_process_probes
_file_contents = fuzz._file_contents


@pytest.mark.parametrize("who", ["facilitator", "reader"])
def test_export_routes_keep_their_promises(app, personas, who):
    token = fuzz.accounts.create_token(getattr(personas, who))
    schema = schemathesis.openapi.from_wsgi(fuzz.SCHEMA_PATH, app, config=fuzz._config(token))
    schema = schema.include(path_regex="exports")
    schema.app = fuzz._fresh_contexts(app)
    outcome = fuzz.Outcome()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            outcome.record(event.recorder)
        elif isinstance(event, events.NonFatalError):
            outcome.errors.append(f"{event.label}: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            outcome.errors.append(f"fatal: {event.exception!r}")
    assert outcome.clean, outcome.report()
    routes = {"GET /api/v1/exports/{id}", "POST /api/v1/spaces/{space}/exports"}
    assert routes <= outcome.operations
