"""The resource area over HTTP and through its service, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.unit.test_uploads import PDF, REFUSED, SAMPLES, png_bytes
from wiki import events, resources, uploads
from wiki.db import db
from wiki.errors import (
    ArchivedSpace,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    ValidationError,
)
from wiki.models import Resource, ResourceTag, Space, User, utcnow

BASE = "/s/cooperer/ressources"
NEW = f"{BASE}/ajouter"
STORED = re.compile(r"^[0-9a-f]{32}\.[a-z0-9]{2,5}$")


def upload(client, name: str, data: bytes, **fields):
    form = {"type": "fichier", "file": (io.BytesIO(data), name), **fields}
    return client.post(NEW, data=form, content_type="multipart/form-data")


def post_link(client, url: str, **fields):
    return client.post(NEW, data={"type": "lien", "url": url, **fields})


def get_file(client, resource_id: int, space_ref: str = "cooperer"):
    response = client.get(f"/s/{space_ref}/ressources/{resource_id}/fichier")
    response.close()  # send_file keeps the file open until the response is closed
    return response


def upload_dir(app) -> Path:
    return Path(app.config["UPLOAD_DIR"])


def files_on_disk(app) -> list[Path]:
    return sorted(p for p in upload_dir(app).rglob("*") if p.is_file())


def count_resources() -> int:
    return db.session.scalar(select(func.count(Resource.id))) or 0


def only_resource() -> Resource:
    db.session.expire_all()
    return db.session.scalars(select(Resource)).one()


def add_file(app, user, space, name="note.txt", data=b"Bonjour", **fields) -> Resource:
    return resources.add_file(
        user,
        space,
        filename=name,
        stream=io.BytesIO(data),
        title=fields.pop("title", ""),
        max_bytes=app.config["UPLOAD_MAX_BYTES"],
        upload_dir=upload_dir(app),
        **fields,
    )


# --- adding files -------------------------------------------------------------------


def test_each_accepted_type_is_stored_and_served_back(app, personas, client_for):
    client = client_for(personas.participant)
    for name, (data, mime_type) in SAMPLES.items():
        response = upload(client, name, data, title=f"Échantillon {name}", tags="essai")
        assert response.status_code == 302, (name, response.get_data(as_text=True))
        resource = db.session.scalars(select(Resource).order_by(Resource.id.desc())).first()
        assert (resource.mime_type, resource.filename) == (mime_type, name)
        assert resource.size == len(data)
        assert STORED.fullmatch(resource.stored_name)
        served = client.get(f"{BASE}/{resource.id}/fichier")
        assert served.get_data() == data
        assert served.mimetype == mime_type
        served.close()
    assert len(files_on_disk(app)) == len(SAMPLES)


def test_file_title_defaults_to_name_without_extension(app, personas):
    resource = add_file(app, personas.participant, personas.space, "Bilan 2025.final.pdf", PDF)
    assert resource.title == "Bilan 2025.final"
    assert resource.author_id == personas.participant.id


def test_upload_form_page_offers_both_kinds(personas, client_for):
    client = client_for(personas.participant)
    page = client.get(NEW).get_data(as_text=True)
    assert 'type="file"' in page and 'enctype="multipart/form-data"' in page
    assert "Un lien" in page
    assert 'type="url"' in client.get(f"{NEW}?type=lien").get_data(as_text=True)


@pytest.mark.parametrize("name", ["page.html", "dessin.svg", "programme", "faux.pdf"])
def test_refused_content_leaves_nothing(app, personas, client_for, name):
    response = upload(client_for(personas.participant), name, REFUSED[name], title="Piège")
    assert response.status_code == 400
    assert "Ce type de fichier n&#39;est pas accepté" in response.get_data(as_text=True)
    assert count_resources() == 0 and files_on_disk(app) == []


def test_empty_file_and_missing_file_are_refused(app, personas, client_for):
    client = client_for(personas.participant)
    assert "Le fichier est vide" in upload(client, "vide.txt", b"").get_data(as_text=True)
    response = client.post(NEW, data={"type": "fichier", "title": "Sans fichier"})
    assert response.status_code == 400
    assert "Choisissez un fichier" in response.get_data(as_text=True)
    assert count_resources() == 0 and files_on_disk(app) == []


def test_bad_fields_refuse_before_storing_and_keep_the_typed_values(app, personas, client_for):
    response = upload(
        client_for(personas.participant), "a.pdf", PDF, title="x" * 201, description="Gardée"
    )
    assert response.status_code == 400
    assert "Gardée" in response.get_data(as_text=True)
    assert count_resources() == 0 and files_on_disk(app) == []


def test_oversize_file_gets_413_in_french(app, personas, client_for):
    app.config["UPLOAD_MAX_BYTES"] = 1000
    response = upload(client_for(personas.participant), "gros.txt", b"a" * 1500)
    assert response.status_code == 413
    assert "taille maximale" in response.get_data(as_text=True)
    assert count_resources() == 0 and files_on_disk(app) == []


def test_body_over_max_content_length_gets_413_in_french(app, personas, client_for):
    app.config["MAX_CONTENT_LENGTH"] = 500
    response = upload(client_for(personas.participant), "gros.txt", b"a" * 5000)
    assert response.status_code == 413
    assert "Le fichier dépasse la taille maximale autorisée" in response.get_data(as_text=True)
    assert count_resources() == 0 and files_on_disk(app) == []


def test_oversize_body_from_someone_without_the_form_is_still_a_clean_413(
    app, personas, client_for, anonymous
):
    # With CSRF on, as in production, the form is read (and refused) before the view runs.
    app.config.update(MAX_CONTENT_LENGTH=500, WTF_CSRF_ENABLED=True)
    people = (personas.participant, personas.reader, personas.outsider)
    for client in (*map(client_for, people), anonymous):
        response = upload(client, "gros.txt", b"a" * 5000)
        assert response.status_code == 413
        assert "taille maximale" in response.get_data(as_text=True)


def test_space_quota_is_enforced(app, personas, client_for):
    personas.space.quota_bytes = 1000
    db.session.commit()
    client = client_for(personas.participant)
    assert upload(client, "a.txt", b"a" * 600).status_code == 302
    response = upload(client, "b.txt", b"b" * 600)
    assert response.status_code == 413
    assert "place maximale" in response.get_data(as_text=True)
    assert count_resources() == 1 and len(files_on_disk(app)) == 1


# Werkzeug reads the quoted multipart name, where "\\c" means "c": hence "bc.pdf" over
# HTTP; the service itself, given the raw name, keeps "c.pdf" (see the next test).
@pytest.mark.parametrize(
    ("name", "data", "shown", "extension"),
    [
        ("../../etc/passwd", b"root:x:0:0", "passwd.txt", "txt"),
        ("a/b\\c.pdf", PDF, "bc.pdf", "pdf"),
    ],
)
def test_stored_name_never_comes_from_the_user(
    app, personas, client_for, name, data, shown, extension
):
    assert upload(client_for(personas.participant), name, data).status_code == 302
    resource = only_resource()
    assert resource.filename == shown
    assert STORED.fullmatch(resource.stored_name) and resource.stored_name.endswith(extension)
    space_dir = upload_dir(app) / str(personas.space.id)
    assert files_on_disk(app) == [space_dir / resource.stored_name]


def test_service_keeps_only_the_last_path_component(app, personas):
    resource = add_file(app, personas.participant, personas.space, "a/b\\c.pdf", PDF)
    assert (resource.filename, resource.title) == ("c.pdf", "c")
    assert files_on_disk(app) == [upload_dir(app) / str(personas.space.id) / resource.stored_name]


def test_database_failure_removes_the_stored_file(app, personas, monkeypatch):
    def broken_commit() -> None:
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(db.session, "commit", broken_commit)
    with pytest.raises(RuntimeError):
        add_file(app, personas.participant, personas.space, "a.pdf", PDF)
    monkeypatch.undo()
    assert files_on_disk(app) == [] and count_resources() == 0


def test_events_are_announced(app, personas):
    seen: list[tuple[str, int]] = []

    def on_saved(sender, **_):
        seen.append(("saved", sender.id))

    def on_deleted(sender, **_):
        seen.append(("deleted", sender.id))

    with (
        events.resource_saved.connected_to(on_saved),
        events.resource_deleted.connected_to(on_deleted),
    ):
        resource = add_file(app, personas.participant, personas.space)
        resources.delete_resource(personas.participant, resource, upload_dir(app))
    assert seen == [("saved", resource.id), ("deleted", resource.id)]


# --- links and tags -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "javascript:alert(1)",
        "ftp://exemple.org/f",
        "data:text/html,<b>x</b>",
        "https://",
        "exemple.org",
        "https://exemple.org/a b",
        "//exemple.org",
    ],
)
def test_bad_links_are_refused(personas, client_for, url):
    response = post_link(client_for(personas.participant), url, title="Lien")
    assert response.status_code == 400
    assert count_resources() == 0


def test_link_is_added_and_titled_by_its_host_when_untitled(personas, client_for):
    client = client_for(personas.participant)
    response = post_link(client, " https://www.avise.org/ ", tags=" Statuts , ESS,statuts")
    assert response.status_code == 302
    link = only_resource()
    assert (link.kind, link.url, link.title) == ("link", "https://www.avise.org/", "www.avise.org")
    assert link.tag_names == ["ess", "statuts"]
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert 'href="https://www.avise.org/"' in page and 'rel="noopener noreferrer nofollow"' in page


def test_tag_limits(personas):
    assert resources.parse_tags(["#Ville  Durable", "", "ville durable"]) == ["ville durable"]
    with pytest.raises(ValidationError, match="40"):
        resources.parse_tags("a" * 41)
    with pytest.raises(ValidationError, match="10 étiquettes"):
        resources.parse_tags(",".join(f"t{i}" for i in range(11)))
    assert len(resources.parse_tags(",".join(f"t{i}" for i in range(10)))) == 10


def test_filter_by_tag_and_kind(app, personas, client_for):
    space, user = personas.space, personas.participant
    resources.add_link(user, space, url="https://a.example/", title="Lien statuts", tags="statuts")
    add_file(app, user, space, "carte.png", png_bytes(), tags="cartographie, statuts")
    add_file(app, user, space, "cr.pdf", PDF, title="Compte rendu", tags="Cartographie")

    def titles(**filters) -> set[str]:
        return {r.title for r in resources.list_resources(user, space, **filters)}

    assert titles(tag="STATUTS ") == {"Lien statuts", "carte"}
    assert titles(kind="link") == {"Lien statuts"}
    assert titles(kind="image") == {"carte"}
    assert titles(kind="file") == {"Compte rendu"}
    assert titles(tag="cartographie", kind="image") == {"carte"}
    assert titles(tag="inconnue") == set()
    assert resources.tags_of_space(space) == [("cartographie", 2), ("statuts", 2)]
    with pytest.raises(ValidationError):
        resources.list_resources(user, space, kind="video")
    page = client_for(user).get(f"{BASE}/?type=image&etiquette=statuts").get_data(as_text=True)
    assert "carte" in page and "Lien statuts" not in page and "Compte rendu" not in page
    assert "1 ressource" in page


# --- reading and downloading -------------------------------------------------------------


def test_download_headers(app, personas, client_for):
    space, user = personas.space, personas.participant
    pdf = add_file(app, user, space, "rapport final.pdf", PDF)
    png = add_file(app, user, space, "carte.png", png_bytes())
    text = add_file(app, user, space, "notes.md", b"# Notes\n")
    client = client_for(personas.reader)
    for resource, disposition in ((pdf, "attachment"), (png, "inline"), (text, "attachment")):
        response = get_file(client, resource.id)
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith(disposition)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert get_file(client, pdf.id).mimetype == "application/pdf"
    assert get_file(client, text.id).headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert "rapport" in get_file(client, pdf.id).headers["Content-Disposition"]


def test_download_permissions(app, personas, client_for, anonymous):
    resource = add_file(app, personas.participant, personas.space, "a.pdf", PDF)
    assert get_file(client_for(personas.reader), resource.id).status_code == 200
    assert get_file(client_for(personas.outsider), resource.id).status_code == 404
    assert get_file(anonymous, resource.id).status_code == 302
    other = Space(slug="autre", title="Autre espace")
    db.session.add(other)
    db.session.commit()
    # Right id, wrong space in the address: not found, even for an admin.
    assert get_file(client_for(personas.admin), resource.id, "autre").status_code == 404
    link = resources.add_link(
        personas.participant, personas.space, url="https://a.example/", title="Lien"
    )
    assert get_file(client_for(personas.reader), link.id).status_code == 404
    with pytest.raises(NotFound):
        resources.get_resource(personas.outsider, resource.id)
    with pytest.raises(NotFound):
        resources.get_resource(personas.reader, 999_999)


def test_index_shows_cards_and_image_snippet(app, personas, client_for):
    space, user = personas.space, personas.participant
    png = add_file(
        app,
        user,
        space,
        "carte.png",
        png_bytes(),
        title="Carte [v2]",
        description="Ligne 1\nLigne 2",
        tags="cartographie",
    )
    add_file(app, user, space, "a.pdf", PDF, title="Le rapport")
    page = client_for(personas.reader).get(f"{BASE}/").get_data(as_text=True)
    assert "Le rapport" in page and "Ligne 1\nLigne 2" in page and "Sami Participant" in page
    assert "cartographie" in page and "Ajouter une ressource" not in page
    snippet = f"![Carte (v2)](/s/cooperer/ressources/{png.id}/fichier)"
    assert f'value="{snippet}"' in page and "data-copy" in page and "copy-source" in page
    assert "data-confirm" not in page  # a reader deletes nothing


def test_sizes_speak_the_page_language(app, personas, client_for):
    add_file(app, personas.participant, personas.space, "a.pdf", PDF, title="Le rapport")
    add_file(app, personas.participant, personas.space, "b.txt", b"x" * 1536, title="Notes")
    client = client_for(personas.reader)
    french = client.get(f"{BASE}/").get_data(as_text=True)
    assert f"PDF · {len(PDF)} octets" in french and "Texte · 1,5 Ko" in french
    client.post("/langue", data={"locale": "en"})
    english = client.get(f"{BASE}/").get_data(as_text=True)
    assert f"{len(PDF)} bytes" in english and "1.5 KB" in english
    # the words of the sizes, not the random CSRF token that may spell "Ko"
    sizes = " ".join(re.findall(r'class="meta resource-kind">([^<]*)<', english))
    assert "bytes" in sizes and "octets" not in sizes and "Ko" not in sizes


def test_image_snippet_renders_in_a_page(app, personas, client_for):
    from wiki import pages

    png = add_file(app, personas.participant, personas.space, "carte.png", png_bytes())
    url = f"/s/cooperer/ressources/{png.id}/fichier"
    pages.create_page(personas.participant, personas.space, "Carte", f"![La carte]({url})")
    page = client_for(personas.reader).get("/s/cooperer/p/carte").get_data(as_text=True)
    assert f'src="{url}"' in page


def test_outsiders_and_anonymous_do_not_see_the_list(personas, client_for, anonymous):
    assert client_for(personas.outsider).get(f"{BASE}/").status_code == 404
    response = anonymous.get(f"{BASE}/")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


# --- who may write -------------------------------------------------------------------------


def test_reader_cannot_add(app, personas, client_for):
    client = client_for(personas.reader)
    assert client.get(NEW).status_code == 403
    assert upload(client, "a.pdf", PDF).status_code == 403
    assert post_link(client, "https://a.example/").status_code == 403
    with pytest.raises(PermissionDenied):
        add_file(app, personas.reader, personas.space)
    assert count_resources() == 0 and files_on_disk(app) == []


def test_participant_deletes_own_but_not_others(app, personas, client_for):
    own = add_file(app, personas.participant, personas.space, "mien.pdf", PDF)
    theirs = add_file(app, personas.facilitator, personas.space, "sien.pdf", PDF)
    client = client_for(personas.participant)
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert page.count("data-confirm") == 1
    assert client.post(f"{BASE}/{theirs.id}/supprimer").status_code == 403
    assert client_for(personas.reader).post(f"{BASE}/{own.id}/supprimer").status_code == 403
    assert client.post(f"{BASE}/{own.id}/supprimer").status_code == 302
    assert db.session.get(Resource, theirs.id) is not None
    assert [p.name for p in files_on_disk(app)] == [theirs.stored_name]


def test_facilitator_deletes_any_and_tags_go_too(app, personas, client_for):
    resource = add_file(app, personas.participant, personas.space, "a.pdf", PDF, tags="x, y")
    response = client_for(personas.facilitator).post(f"{BASE}/{resource.id}/supprimer")
    assert response.status_code == 302
    assert count_resources() == 0 and files_on_disk(app) == []
    assert db.session.scalar(select(func.count(ResourceTag.id))) == 0


def test_archived_space_refuses_writes(app, personas, client_for):
    resource = add_file(app, personas.participant, personas.space, "a.pdf", PDF)
    personas.space.archived_at = utcnow()
    db.session.commit()
    client = client_for(personas.facilitator)
    assert client.get(NEW).status_code == 423
    assert upload(client, "b.pdf", PDF).status_code == 423
    assert client.post(f"{BASE}/{resource.id}/supprimer").status_code == 423
    with pytest.raises(ArchivedSpace):
        resources.add_link(
            personas.facilitator, personas.space, url="https://a.example/", title="Lien"
        )
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Ajouter une ressource" not in page and "data-confirm" not in page
    assert get_file(client, resource.id).status_code == 200
    assert count_resources() == 1


# --- demo ----------------------------------------------------------------------------------


def test_demo_seed_adds_resources(app, client_for):
    from wiki import accounts, demo

    demo.seed()
    space = db.session.scalars(select(Space)).one()
    facilitator = accounts.find_by_email("animation@demo.cercle.test")
    listed = resources.list_resources(facilitator, space)
    assert {r.kind for r in listed} == {"file", "link"}
    assert any(r.title.startswith("Retour d'expérience") for r in listed)
    assert [r.mime_type for r in resources.list_resources(facilitator, space, kind="image")] == [
        "image/png"
    ]
    assert {"statuts", "cartographie"} <= {tag for tag, _n in resources.tags_of_space(space)}
    client = client_for(facilitator)
    assert client.get(f"/s/{space.slug}/ressources/").status_code == 200
    for resource in listed:
        if resource.kind == "file":
            assert get_file(client, resource.id, space.slug).status_code == 200


def test_simultaneous_uploads_cannot_overshoot_the_quota(app, personas, monkeypatch):
    personas.space.quota_bytes = 1000
    db.session.commit()
    space_id, user_id = personas.space.id, personas.participant.id
    keep = uploads.PendingFile.keep

    def slow_keep(pending):  # widens the gap between the quota check and the commit
        time.sleep(0.3)
        return keep(pending)

    monkeypatch.setattr(uploads.PendingFile, "keep", slow_keep)
    outcomes: list[str] = []

    def add(name: str) -> None:
        with app.app_context():
            try:
                resources.add_file(
                    db.session.get(User, user_id),
                    db.session.get(Space, space_id),
                    filename=name,
                    stream=io.BytesIO(b"x" * 600),
                    title=name,
                    max_bytes=app.config["UPLOAD_MAX_BYTES"],
                    upload_dir=app.config["UPLOAD_DIR"],
                )
                outcomes.append("added")
            except PayloadTooLarge:
                outcomes.append("refused")

    threads = [threading.Thread(target=add, args=(f"{n}.txt",)) for n in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["added", "refused"]
    assert count_resources() == 1 and len(files_on_disk(app)) == 1
