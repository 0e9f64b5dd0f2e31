"""Upload checks by content: accepted types, refused ones, names, size limit, storage.

``SAMPLES`` (tiny but structurally valid files) is shared with the integration tests.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from wiki import uploads
from wiki.errors import PayloadTooLarge, ValidationError


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            # ODF wants "mimetype" first and stored; harmless for the others.
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


def ooxml(folder: str) -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "_rels/.rels": b"<Relationships/>",
            f"{folder}/main.xml": b"<doc/>",
        }
    )


def odf(kind: str) -> bytes:
    return zip_bytes(
        {
            "mimetype": f"application/vnd.oasis.opendocument.{kind}".encode(),
            "content.xml": b"<office:document-content/>",
            "META-INF/manifest.xml": b"<manifest/>",
        }
    )


def ole(stream_name: str) -> bytes:
    """A compound-file header and a directory entry naming the format's main stream."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    name = stream_name.encode("utf-16-le") + b"\x00\x00"
    return header + "Root Entry".encode("utf-16-le") + b"\x00" * 46 + name + b"\x00" * 400


GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff"
    b"!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    b"\xff\xdb\x00C\x00" + bytes(range(1, 65)) + b"\xff\xd9"
)
WEBP = b"RIFF" + struct.pack("<I", 26) + b"WEBPVP8L" + struct.pack("<I", 14) + b"\x2f" + bytes(13)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

#: file name → (content, expected mime type)
SAMPLES: dict[str, tuple[bytes, str]] = {
    "rapport.pdf": (PDF, "application/pdf"),
    "photo.png": (png_bytes(), "image/png"),
    "photo.jpg": (JPEG, "image/jpeg"),
    "anim.gif": (GIF, "image/gif"),
    "image.webp": (WEBP, "image/webp"),
    "statuts.docx": (ooxml("word"), uploads.TYPES["docx"].mime_type),
    "budget.xlsx": (ooxml("xl"), uploads.TYPES["xlsx"].mime_type),
    "atelier.pptx": (ooxml("ppt"), uploads.TYPES["pptx"].mime_type),
    "compte-rendu.odt": (odf("text"), "application/vnd.oasis.opendocument.text"),
    "tableau.ods": (odf("spreadsheet"), "application/vnd.oasis.opendocument.spreadsheet"),
    "diapos.odp": (odf("presentation"), "application/vnd.oasis.opendocument.presentation"),
    "ancien.doc": (ole("WordDocument"), "application/msword"),
    "ancien.xls": (ole("Workbook"), "application/vnd.ms-excel"),
    "ancien.ppt": (ole("PowerPoint Document"), "application/vnd.ms-powerpoint"),
    "notes.txt": ("Notes de l'atelier : coopérer.\n".encode(), "text/plain"),
    "notes.md": ("# Titre\n\n- une idée\n".encode(), "text/markdown"),
    "membres.csv": ("nom;structure\nAïcha;SCIC\n".encode(), "text/csv"),
}

#: file name → content that must be refused
REFUSED: dict[str, bytes] = {
    "page.html": b"<!DOCTYPE html><html><script>alert(1)</script></html>",
    "page.txt": b"  <html><body onload=alert(1)></body></html>",
    "dessin.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "dessin.md": b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
    "faux.pdf": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64,
    "programme": b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64,
    "archive.zip": zip_bytes({"lisez-moi.txt": b"bonjour"}),
    "appli.jar": zip_bytes({"META-INF/MANIFEST.MF": b"Main-Class: X"}),
    "livre.epub": zip_bytes({"mimetype": b"application/epub+zip", "a.xhtml": b"<html/>"}),
    "macro.docx": zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w/>",
            "word/vbaProject.bin": b"\x00",
        }
    ),
    "installeur.msi": ole("\x05SummaryInformation"),
    "binaire.txt": b"abc\x00def",
    "casse.zip": b"PK\x03\x04" + b"\x00" * 40,
}


def write(tmp_path: Path, data: bytes, name: str = "sample") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_accepted_types_are_recognised_by_content(tmp_path, name):
    data, mime_type = SAMPLES[name]
    # The file on disk has no extension: only the bytes (and, for text, the name) decide.
    detected = uploads.detect_type(write(tmp_path, data), name)
    assert detected.mime_type == mime_type


def test_client_extension_does_not_change_a_binary_type(tmp_path):
    detected = uploads.detect_type(write(tmp_path, png_bytes()), "trompeur.pdf")
    assert (detected.mime_type, detected.extension) == ("image/png", "png")


def test_text_flavour_follows_name_and_defaults_to_txt(tmp_path):
    path = write(tmp_path, b"a,b\n1,2\n")
    assert uploads.detect_type(path, "x.CSV").extension == "csv"
    assert uploads.detect_type(path, "x.markdown").extension == "md"
    assert uploads.detect_type(path, "x.exe").extension == "txt"
    assert uploads.detect_type(path, "").extension == "txt"


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_other_content_is_refused(tmp_path, name):
    with pytest.raises(ValidationError) as caught:
        uploads.detect_type(write(tmp_path, REFUSED[name]), name)
    assert caught.value.message.startswith("Ce type de fichier n'est pas accepté")


def test_text_in_another_encoding_gets_a_helpful_message(tmp_path):
    latin1 = "nom;ville\nHélène;Orléans\n".encode("latin-1")
    with pytest.raises(ValidationError, match="UTF-8"):
        uploads.detect_type(write(tmp_path, latin1), "export.csv")


def test_utf8_bom_is_fine(tmp_path):
    data = b"\xef\xbb\xbfnom;ville\n"
    assert uploads.detect_type(write(tmp_path, data), "export.csv").mime_type == "text/csv"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("a/b\\c.pdf", "c.pdf"),
        ("C:\\Users\\sami\\Bilan 2025.docx", "Bilan 2025.docx"),
        ("rapport\x00\x1b[31m.pdf\n", "rapport[31m.pdf"),
        ("  ..  ", "fichier"),
        ("", "fichier"),
        (None, "fichier"),
        ("é" * 300 + ".pdf", "é" * 255),
    ],
)
def test_clean_filename_keeps_display_text_only(raw, shown):
    assert uploads.clean_filename(raw) == shown


def test_receive_stores_under_a_generated_name(tmp_path):
    pending = uploads.receive(
        io.BytesIO(PDF), tmp_path / "7", filename="../../etc/passwd", max_bytes=10_000
    )
    assert pending.temp_path.parent == tmp_path / "7"
    assert pending.size == len(PDF)
    stored = pending.keep()
    assert uploads.STORED_NAME.fullmatch(stored) and stored.endswith(".pdf")
    assert [p.name for p in (tmp_path / "7").iterdir()] == [stored]
    assert (tmp_path / "7" / stored).read_bytes() == PDF


def test_receive_refuses_oversize_and_leaves_nothing(tmp_path):
    with pytest.raises(PayloadTooLarge, match="taille maximale"):
        uploads.receive(io.BytesIO(b"x" * 2000), tmp_path, filename="a.txt", max_bytes=1000)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("data", [b"", REFUSED["page.html"]])
def test_receive_refuses_empty_or_wrong_type_and_leaves_nothing(tmp_path, data):
    with pytest.raises(ValidationError):
        uploads.receive(io.BytesIO(data), tmp_path, filename="a.txt", max_bytes=1000)
    assert list(tmp_path.iterdir()) == []


def test_discard_removes_the_temporary_file(tmp_path):
    pending = uploads.receive(io.BytesIO(GIF), tmp_path, filename="a.gif", max_bytes=1000)
    pending.discard()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["../x.pdf", "passwd", "ABCDEF.pdf", "a" * 32 + ".pdf/..", ""])
def test_stored_path_refuses_names_it_did_not_generate(tmp_path, name):
    with pytest.raises(ValueError):
        uploads.stored_path(tmp_path, name)


def test_only_images_are_inline():
    expected = {"image/png", "image/jpeg", "image/gif", "image/webp"}
    assert expected == uploads.INLINE_MIME_TYPES


@pytest.mark.parametrize(
    ("filename", "extension", "served"),
    [
        ("x.png.html", "png", "x.png"),
        ("photo.html", "png", "photo.png"),
        ("photo", "png", "photo.png"),
        ("x.png.png", "png", "x.png.png"),
        ("scan.JPEG", "jpg", "scan.JPEG"),
        ("notes.markdown", "md", "notes.markdown"),
        ("page.html", "txt", "page.txt"),
        ("outil.exe", "pdf", "outil.pdf"),
        (".htaccess", "txt", "htaccess.txt"),
        ("../../x.svg", "png", "x.png"),
    ],
)
def test_served_name_extension_follows_the_detected_type(filename, extension, served):
    assert uploads.served_name(filename, uploads.TYPES[extension]) == served


def test_served_name_stays_within_the_length_limit():
    served = uploads.served_name("a" * 300 + ".html", uploads.TYPES["png"])
    assert len(served) == uploads.FILENAME_MAX
    assert served.endswith(".png")
