"""The questionnaire API: create, read, edit, answer, results, CSV; every bad input."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.questionnaires.conftest import FORM_QUESTIONS
from wiki.db import db
from wiki.models_questionnaires import Answer, Response


def committed_count(model) -> int:
    with Session(db.engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def created(call, personas) -> dict:
    response = call(
        "POST",
        f"/spaces/{personas.space.slug}/questionnaires",
        "facilitator",
        json={"title": "Inscription", "anonymous": False, "questions": FORM_QUESTIONS},
    )
    assert response.status_code == 201, response.json
    return response.json


def ids_by_label(questionnaire: dict) -> dict[str, str]:
    return {q["label"]: str(q["id"]) for q in questionnaire["questions"]}


def test_create_get_put_round_trip(call, created):
    assert created["kind"] == "form" and created["status"] == "open"
    fetched = call("GET", f"/questionnaires/{created['id']}", "reader")
    assert fetched.status_code == 200
    assert [q["id"] for q in fetched.json["questions"]] == [q["id"] for q in created["questions"]]
    questions = fetched.json["questions"]
    edited = [{**questions[1], "label": "Vos coopérations"}, questions[0]]
    response = call(
        "PUT",
        f"/questionnaires/{created['id']}",
        "facilitator",
        json={"title": "Inscription 2026", "questions": edited},
    )
    assert response.status_code == 200, response.json
    assert response.json["title"] == "Inscription 2026"
    assert [q["label"] for q in response.json["questions"]] == [
        "Vos coopérations",
        "Votre structure",
    ]
    assert response.json["questions"][0]["id"] == questions[1]["id"]


def test_participant_may_not_create_or_edit(call, personas, created):
    path = f"/spaces/{personas.space.slug}/questionnaires"
    assert call("POST", path, "participant", json={"title": "X"}).status_code == 403
    put = call("PUT", f"/questionnaires/{created['id']}", "participant", json={"intro": "x"})
    assert put.status_code == 403


def test_answer_then_replace(call, created):
    ids = ids_by_label(created)
    path = f"/questionnaires/{created['id']}/answers"
    first = call("POST", path, "participant", json={"answers": {ids["Votre structure"]: "A"}})
    assert first.status_code == 201 and first.json["replaced"] is False
    again = call("POST", path, "participant", json={"answers": {ids["Votre structure"]: "B"}})
    assert again.status_code == 200 and again.json["replaced"] is True
    results = call("GET", f"/questionnaires/{created['id']}/results", "participant").json
    assert results["respondents"] == 1
    texts = next(q for q in results["questions"] if q["label"] == "Votre structure")["texts"]
    assert texts == [{"text": "B", "name": "Sami Participant"}]


BAD_ANSWERS = [
    ("missing required", {}, 400, "Votre structure"),
    ("unknown option", {"Vos attentes": ["Des vacances"]}, 400, "Des vacances"),
    ("scale out of range", {"Votre niveau de coopération": 6}, 400, "de 1 à 5"),
    ("scale wrong type", {"Votre niveau de coopération": "5"}, 400, "nombre entier"),
    ("yes/no wrong type", {"Déjà coopéré ?": "oui"}, 400, "true"),
    ("number as float", {"Salarié·es": 2.5}, 400, "nombre entier"),
    ("bad date", {"Date de création": "31/12/2020"}, 400, "AAAA-MM-JJ"),
    ("ranking incomplete", {"Vos priorités": ["Temps"]}, 400, "classez"),
    ("too many words", {"La coopération en mots": ["a", "b", "c", "d"]}, 400, "3 réponses"),
    ("multiple twice", {"Vos attentes": ["Des outils", "Des outils"]}, 400, "une fois"),
    ("text as list", {"Vos coopérations en cours": ["x"]}, 400, "un texte"),
]


def test_bad_answers_are_refused_and_nothing_is_stored(call, created):
    """One questionnaire for every case (a fresh database per case costs more than it tells)."""
    ids = ids_by_label(created)
    for case, given, status, words in BAD_ANSWERS:
        answers = {ids[label]: value for label, value in given.items()}
        if case != "missing required":
            answers[ids["Votre structure"]] = "Asso"
        response = call(
            "POST",
            f"/questionnaires/{created['id']}/answers",
            "participant",
            json={"answers": answers},
        )
        assert response.status_code == status, (case, response.json)
        assert words in response.json["error"]["message"], case
        assert committed_count(Response) == 0 and committed_count(Answer) == 0, case


def test_unknown_question_wrong_shape_reader_and_strangers(call, created):
    path = f"/questionnaires/{created['id']}/answers"
    unknown = call("POST", path, "participant", json={"answers": {"999999": "x"}})
    assert unknown.status_code == 404 and "999999" in unknown.json["error"]["message"]
    assert call("POST", path, "participant", json={"reponses": {}}).status_code == 400
    assert call("POST", path, "participant", json={"answers": ["x"]}).status_code == 400
    assert call("POST", path, "participant", data="x", content_type="text/plain").status_code == 415
    reader = call("POST", path, "reader", json={"answers": {}})
    assert reader.status_code == 403
    assert call("POST", path, "outsider", json={"answers": {}}).status_code == 404
    assert call("POST", path, None, json={"answers": {}}).status_code == 401
    assert committed_count(Response) == 0


@pytest.mark.parametrize("moment", ["closed", "not_open"])
def test_closed_and_not_yet_open_questionnaires_refuse_answers(call, created, moment):
    now = dt.datetime.now(dt.UTC)
    window = (
        {
            "opens_at": (now - dt.timedelta(days=2)).isoformat(),
            "closes_at": (now - dt.timedelta(days=1)).isoformat(),
        }
        if moment == "closed"
        else {"opens_at": (now + dt.timedelta(days=1)).isoformat()}
    )
    assert (
        call("PUT", f"/questionnaires/{created['id']}", "facilitator", json=window).status_code
        == 200
    )
    ids = ids_by_label(created)
    response = call(
        "POST",
        f"/questionnaires/{created['id']}/answers",
        "participant",
        json={"answers": {ids["Votre structure"]: "A"}},
    )
    assert response.status_code == 409
    assert response.json["error"]["code"] == "questionnaire_closed"
    assert call("GET", f"/questionnaires/{created['id']}", "reader").json["status"] == moment


def test_deleting_an_answered_question_needs_confirmation(call, created):
    ids = ids_by_label(created)
    call(
        "POST",
        f"/questionnaires/{created['id']}/answers",
        "participant",
        json={"answers": {ids["Votre structure"]: "A", ids["Déjà coopéré ?"]: True}},
    )
    kept = [q for q in created["questions"] if q["label"] != "Déjà coopéré ?"]
    path = f"/questionnaires/{created['id']}"
    refused = call("PUT", path, "facilitator", json={"questions": kept})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "answers_exist"
    assert committed_count(Answer) == 2
    done = call(
        "PUT", path, "facilitator", json={"questions": kept, "confirm_delete_answers": True}
    )
    assert done.status_code == 200
    assert committed_count(Answer) == 1


def test_anonymity_cannot_change_after_an_answer(call, created):
    ids = ids_by_label(created)
    call(
        "POST",
        f"/questionnaires/{created['id']}/answers",
        "participant",
        json={"answers": {ids["Votre structure"]: "A"}},
    )
    response = call(
        "PUT", f"/questionnaires/{created['id']}", "facilitator", json={"anonymous": True}
    )
    assert response.status_code == 409


BAD_DEFINITIONS = [
    ({"title": ""}, 400),
    ({"title": "X", "kind": "sondage"}, 400),
    ({"title": "X", "questions": [{"label": "Q", "type": "slider"}]}, 400),
    ({"title": "X", "questions": [{"label": "", "type": "short_text"}]}, 400),
    ({"title": "X", "questions": [{"label": "Q", "type": "scale", "scale": {"max": 11}}]}, 400),
    ({"title": "X", "questions": "Q"}, 400),
    ({"title": "X", "opens_at": "demain"}, 400),
    ({"title": "X", "opens_at": "2026-10-05T09:00:00"}, 400),  # no offset
    ({"title": "X", "kind": None}, 400),
    ({"title": "X", "questions": [{"label": "Q", "type": "short_text", "required": None}]}, 400),
    ({"title": "X", "questions": [{"label": "Q", "type": "short_text", "options": [1]}]}, 400),
    ({"title": "X", "questions": [{"label": "Q", "type": "yes_no", "scale": []}]}, 400),
    ({"title": "X", "anonymous": "oui"}, 400),
    ({"title": "X", "profiles": [{"key": "Avec Espace", "title": "P"}]}, 400),
    ({"title": "X", "parent_id": 2**31 - 1}, 404),
]


def test_bad_definitions_are_refused(call, personas):
    path = f"/spaces/{personas.space.slug}/questionnaires"
    for body, status in BAD_DEFINITIONS:
        response = call("POST", path, "facilitator", json=body)
        # an unknown parent: 404 once the API says so for every reference, 400 before
        expected = {400, 404} if status == 404 else {status}
        assert response.status_code in expected, (body, response.json)
        assert response.json["error"]["message"], body
    assert committed_count(Response) == 0


def test_a_closing_before_the_opening_is_a_questionnaire_that_never_opens(call, personas):
    body = {
        "title": "X",
        "opens_at": "2026-10-05T09:00:00+02:00",
        "closes_at": "2026-10-05T08:00:00+02:00",
    }
    response = call(
        "POST", f"/spaces/{personas.space.slug}/questionnaires", "facilitator", json=body
    )
    assert response.status_code == 201
    assert response.json["status"] in ("closed", "not_open")


def test_csv_reads_back_with_accents_bom_and_semicolons(call, created, personas):
    ids = ids_by_label(created)
    call(
        "POST",
        f"/questionnaires/{created['id']}/answers",
        "participant",
        json={
            "answers": {
                ids["Votre structure"]: "Coopérative « Élan »; SCIC",
                ids["Vos attentes"]: ["Des outils", "Des statuts"],
                ids["Déjà coopéré ?"]: True,
                ids["Votre niveau de coopération"]: 4,
                ids["Vos coopérations en cours"]: "=1+1 ligne\nautre ligne",
            }
        },
    )
    response = call("GET", f"/questionnaires/{created['id']}/answers.csv", "facilitator")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    header, row = rows
    assert header[0] == "Nom" and header[1:3] == ["Votre structure", "Vos coopérations en cours"]
    line = dict(zip(header, row, strict=True))
    assert line["Nom"] == "Sami Participant"
    assert line["Votre structure"] == "Coopérative « Élan »; SCIC"
    assert line["Vos attentes"] == "Des outils | Des statuts"
    assert line["Déjà coopéré ?"] == "oui" and line["Votre niveau de coopération"] == "4"
    assert line["Vos coopérations en cours"] == "'=1+1 ligne\nautre ligne"
    assert (
        call("GET", f"/questionnaires/{created['id']}/answers.csv", "participant").status_code
        == 403
    )


def test_openapi_documents_the_questionnaire_paths(call):
    document = call("GET", "/openapi.json").json
    for path in (
        "/spaces/{space}/questionnaires",
        "/questionnaires/{id}",
        "/questionnaires/{id}/answers",
        "/questionnaires/{id}/results",
        "/questionnaires/{id}/answers.csv",
    ):
        assert "/api/v1" + path in document["paths"]
    question = document["components"]["schemas"]["QuestionnaireInput"]["properties"]["questions"]
    assert question["maxItems"] == 100
    assert question["items"]["properties"]["label"]["maxLength"] == 500


def test_xlsx_has_the_same_table_with_numbers_and_no_formulas(call, created):
    from openpyxl import load_workbook

    ids = ids_by_label(created)
    call(
        "POST",
        f"/questionnaires/{created['id']}/answers",
        "participant",
        json={
            "answers": {
                ids["Votre structure"]: '=HYPERLINK("http://x")',
                ids["Salarié·es"]: 12,
                ids["Vos attentes"]: ["Des outils", "Des contacts"],
            }
        },
    )
    response = call("GET", f"/questionnaires/{created['id']}/answers.xlsx", "facilitator")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    header, row = [[c.value for c in r] for r in sheet.iter_rows()]
    line = dict(zip(header, row, strict=True))
    assert line["Votre structure"] == '=HYPERLINK("http://x")'
    assert sheet.cell(2, header.index("Votre structure") + 1).data_type == "s"
    assert line["Salarié·es"] == 12
    assert line["Vos attentes"] == "Des outils | Des contacts"
    assert call("GET", f"/questionnaires/{created['id']}/answers.xlsx", "reader").status_code == 403


def test_put_with_a_stale_base_version_is_refused(call, created):
    path = f"/questionnaires/{created['id']}"
    first = call(
        "PUT", path, "facilitator", json={"intro": "A", "base_version": created["version"]}
    )
    assert first.status_code == 200 and first.json["version"] == created["version"] + 1
    stale = call(
        "PUT", path, "facilitator", json={"intro": "B", "base_version": created["version"]}
    )
    assert stale.status_code == 409
    assert call("GET", path, "reader").json["intro"] == "A"
