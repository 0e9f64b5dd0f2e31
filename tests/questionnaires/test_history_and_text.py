"""A questionnaire page's history and text: builder saves grouped into one revision whose
message is a code shown in words, concurrent saves that never lose a race, and a text that
only the definition writes (editor, API and live channel refuse it). Both databases."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import select

from collab.hub import check_write
from tests.conftest import make_user
from wiki import pages, questionnaires, spaces
from wiki.db import db
from wiki.models import Page, Revision, User
from wiki.questionnaire_core import EDITED, GROUP_WITHIN

from .conftest import question_ids


def _revisions(page_id: int) -> list[Revision]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Revision).where(Revision.page_id == page_id).order_by(Revision.number)
        )
    )


def _edit(user, questionnaire, label: str, help_text: str) -> None:
    question_id = question_ids(questionnaire)[label]
    question = next(q for q in questionnaire.questions if q.id == question_id)
    questionnaires.update_question(
        user, question_id, {"help": help_text}, base_version=question.version
    )


def test_one_persons_builder_saves_in_a_row_make_one_revision(personas, form, client_for, call):
    page_id = form.page_id
    before = len(_revisions(page_id))
    _edit(personas.facilitator, form, "Votre structure", "Le nom de votre structure")
    _edit(personas.facilitator, form, "Vos attentes", "Plusieurs choix possibles")
    revisions = _revisions(page_id)
    assert len(revisions) == before + 1
    latest = revisions[-1]
    assert latest.message == EDITED  # a code, not words in one language
    assert "Plusieurs choix possibles" in latest.markdown
    assert "Le nom de votre structure" in latest.markdown
    page = db.session.get(Page, page_id)
    assert page.revision_number == latest.number and page.markdown == latest.markdown
    history = client_for(personas.facilitator).get(
        f"/s/{personas.space.slug}/p/{page.slug}/historique"
    )
    assert history.status_code == 200
    assert "Questionnaire modifié" in history.text and EDITED not in history.text
    listed = call("GET", f"/pages/{page_id}/revisions", "facilitator").json
    assert listed[0]["message"] == "Questionnaire modifié"


def test_after_a_pause_or_by_someone_else_a_new_revision(personas, form):
    page_id = form.page_id
    _edit(personas.facilitator, form, "Votre structure", "Première aide")
    count = len(_revisions(page_id))
    latest = _revisions(page_id)[-1]
    latest.created_at -= GROUP_WITHIN + dt.timedelta(seconds=1)
    db.session.commit()
    _edit(personas.facilitator, form, "Votre structure", "Après la pause")
    assert len(_revisions(page_id)) == count + 1
    colleague = make_user("anim2@cercle.test", "Noa Coanimatrice")
    spaces.join_space(personas.space, colleague, "facilitator")
    _edit(colleague, db.session.get(type(form), form.id), "Vos attentes", "Son changement")
    revisions = _revisions(page_id)
    assert len(revisions) == count + 2
    assert revisions[-1].author_id == colleague.id
    assert "Après la pause" in revisions[-1].markdown  # nothing of the other save is lost


def test_two_builders_saving_at_once_never_lose_a_race(app, personas, form):
    """Each thread edits its own question; every save lands, in numbered revisions."""
    colleague = make_user("anim2@cercle.test", "Noa Coanimatrice")
    spaces.join_space(personas.space, colleague, "facilitator")
    ids = question_ids(form)
    jobs = [
        (personas.facilitator.id, ids["Votre structure"]),
        (colleague.id, ids["Vos attentes"]),
    ]
    rounds, errors = 6, []
    barrier = threading.Barrier(len(jobs))

    def builder(user_id: int, question_id: int) -> None:
        with app.app_context():
            for n in range(rounds):
                barrier.wait(timeout=60)
                try:
                    user = db.session.get(User, user_id)
                    question = questionnaires.get(user, form.id)
                    version = next(q.version for q in question.questions if q.id == question_id)
                    questionnaires.update_question(
                        user, question_id, {"help": f"aide {n}"}, base_version=version
                    )
                except Exception as error:  # collected: the assertion names it
                    errors.append(repr(error))
                    db.session.rollback()

    threads = [threading.Thread(target=builder, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    revisions = _revisions(form.page_id)
    assert [r.number for r in revisions] == list(range(1, len(revisions) + 1))
    final = db.session.get(Page, form.page_id).markdown
    assert final == revisions[-1].markdown
    assert final.count(f"aide {rounds - 1}") == 2  # both last saves are in the text


def test_the_api_and_the_editor_refuse_to_change_a_questionnaires_text(
    personas, form, call, client_for
):
    page = db.session.get(Page, form.page_id)
    before = page.markdown
    refused = call("PUT", f"/pages/{page.id}", "facilitator", json={"markdown": "Tapé à la main"})
    assert refused.status_code == 403
    assert "constructeur" in refused.json["error"]["message"]
    renamed = call("PUT", f"/pages/{page.id}", "facilitator", json={"title": "Inscription 2027"})
    assert renamed.status_code == 200  # the title is not generated
    db.session.expire_all()
    assert db.session.get(Page, page.id).markdown == before
    editor = client_for(personas.facilitator)
    assert editor.get(f"/s/{personas.space.slug}/p/{page.slug}/modifier").status_code == 403
    posted = editor.post(
        f"/s/{personas.space.slug}/p/{page.slug}/modifier", data={"markdown": "Tapé"}
    )
    assert posted.status_code == 403
    db.session.expire_all()
    assert db.session.get(Page, page.id).markdown == before


def test_the_live_channel_does_not_write_a_questionnaires_text(personas, form):
    page = db.session.get(Page, form.page_id)
    access = check_write(personas.facilitator, page)
    assert not access.writable
    assert "constructeur" in access.denial.message
    ordinary = pages.create_page(personas.facilitator, personas.space, "Libre")
    assert check_write(personas.facilitator, ordinary).writable
