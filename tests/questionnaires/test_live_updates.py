"""The live wall in-process (Flask-SocketIO's test client), on SQLite and PostgreSQL: an emit
recomputes only the questions whose answers changed, the window between two emits is short,
and a word a facilitator hides (or shows again) reaches every wall at once."""

from __future__ import annotations

import pytest

import collab
from collab import results as live_results
from wiki import charts, questionnaire_answers, questionnaire_memo, questionnaire_results
from wiki.questionnaire_core import load

from .conftest import question_ids

NS = "/results"


@pytest.fixture
def drawn(monkeypatch) -> list[str]:
    """The titles of the charts drawn (every chart goes through ``charts._svg``)."""
    titles: list[str] = []
    draw = charts._svg

    def counting(title, height, body):
        titles.append(title)
        return draw(title, height, body)

    monkeypatch.setattr(charts, "_svg", counting)
    questionnaire_memo.clear()
    return titles


def test_an_emit_recomputes_only_the_questions_whose_answers_changed(personas, form, drawn):
    ids = question_ids(form)
    questionnaire_answers.submit(
        personas.participant, form.id, {str(ids["Votre structure"]): "SCOP du coin"}
    )
    first = questionnaire_results.compute(load(form.id))
    assert len(drawn) == 8  # every question with a chart (the two text questions have none)
    drawn.clear()
    again = questionnaire_results.compute(load(form.id))
    assert drawn == [] and again == first  # nothing changed: nothing drawn again
    questionnaire_answers.submit(
        personas.facilitator,
        form.id,
        {
            str(ids["Votre structure"]): "Asso du quartier",
            str(ids["Déjà coopéré ?"]): True,
        },
    )
    changed = questionnaire_results.compute(load(form.id))
    assert drawn == ["Déjà coopéré ?"]
    by_label = {q["label"]: q for q in changed["questions"]}
    assert by_label["Déjà coopéré ?"]["counts"] == {"oui": 1, "non": 0}
    assert by_label["Votre structure"]["answered"] == 2


def test_the_walls_window_between_two_emits_is_short():
    # the first answer of a burst goes at once; the next within the window wait for its end
    assert live_results.COALESCE_SECONDS <= 0.05


def _wall(app, client):
    state = collab.get(app)
    state._started = True  # no collab thread
    app.extensions[live_results.EXTENSION_KEY]._started = True  # nor the results emitter
    return state.socketio.test_client(app, namespace=NS, flask_test_client=client)


def test_a_hidden_word_reaches_every_wall_at_once(app, personas, form, client_for):
    words_id = question_ids(form)["La coopération en mots"]
    answers = {str(words_id): ["coopération", "confiance"]}
    answers[str(question_ids(form)["Votre structure"])] = "SCOP du coin"  # required
    questionnaire_answers.submit(personas.participant, form.id, answers)
    facilitator = client_for(personas.facilitator)
    other_tab = _wall(app, client_for(personas.facilitator))
    participant_wall = _wall(app, client_for(personas.participant))
    for wall in (other_tab, participant_wall):
        ack = wall.emit("watch", {"questionnaire_id": form.id}, namespace=NS, callback=True)
        assert ack["ok"] is True
        wall.get_received(NS)
    stem = next(
        q for q in questionnaire_results.compute(load(form.id))["questions"] if q["id"] == words_id
    )["words"][0]["stem"]
    for hidden in ("1", "0"):
        sent = facilitator.post(
            f"/questionnaires/questions/{words_id}/mots",
            data={"stem": stem, "hidden": hidden},
            headers={"Accept": "application/json"},
        )
        assert sent.status_code == 200
        for wall in (other_tab, participant_wall):
            events = [e for e in wall.get_received(NS) if e["name"] == "word"]
            assert [e["args"][0] for e in events] == [
                {
                    "questionnaire_id": form.id,
                    "question_id": words_id,
                    "stem": stem,
                    "hidden": hidden == "1",
                }
            ]
    other_tab.disconnect(namespace=NS)
    participant_wall.disconnect(namespace=NS)
