"""Behaviour of the Markdown renderer: tables, task lists, anchors, TOC, wikilinks, plain text."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import quote

from markupsafe import Markup

from wiki.rendering import (
    Heading,
    LinkTarget,
    render_markdown,
    render_plain,
    wikilink_titles,
)


class _Elements(HTMLParser):
    """Collects (tag, attributes) of every element, and the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def elements(html: str, tag: str) -> list[dict[str, str | None]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return [attrs for name, attrs in parser.elements if name == tag]


def resolver(existing: set[str], calls: list[str] | None = None) -> Callable[[str], LinkTarget]:
    def target(title: str) -> LinkTarget:
        if calls is not None:
            calls.append(title)
        if title in existing:
            return LinkTarget(url=f"/s/demo/{quote(title)}", exists=True)
        return LinkTarget(url=f"/s/demo/_new?title={quote(title)}&from=x", exists=False)

    return target


def test_returns_markup_and_escapes_text() -> None:
    page = render_markdown("a < b & c > d")
    assert isinstance(page.html, Markup)
    assert "<p>a &lt; b &amp; c &gt; d</p>" in page.html


def test_table_alignment_becomes_classes() -> None:
    html = render_markdown("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |").html
    assert [cell["class"] for cell in elements(html, "th")] == [
        "align-left",
        "align-center",
        "align-right",
    ]
    assert [cell["class"] for cell in elements(html, "td")] == [
        "align-left",
        "align-center",
        "align-right",
    ]
    assert "style" not in html
    assert elements(html, "thead") and elements(html, "tbody")


def test_strikethrough_and_emphasis() -> None:
    html = render_markdown("~~barré~~ *penché* **gras**").html
    assert "<s>barré</s>" in html
    assert "<em>penché</em>" in html
    assert "<strong>gras</strong>" in html


def test_task_list_checkboxes_are_disabled() -> None:
    html = render_markdown("- [ ] à faire\n- [x] fait\n- pas une tâche").html
    boxes = elements(html, "input")
    assert len(boxes) == 2
    assert all(box["type"] == "checkbox" and "disabled" in box for box in boxes)
    assert "checked" not in boxes[0]
    assert "checked" in boxes[1]
    assert elements(html, "ul")[0]["class"] == "contains-task-list"
    assert "à faire" in html


def test_heading_anchor_uses_project_slug() -> None:
    html = render_markdown("# Coopération économique").html
    assert '<h1 id="cooperation-economique">Coopération économique</h1>' in html


def test_duplicate_anchors_are_numbered() -> None:
    page = render_markdown("## Bilan\n\n## Bilan\n\n### Bilan\n\n## Bilan 2")
    assert [h.anchor for h in page.toc] == ["bilan", "bilan-2", "bilan-3", "bilan-2-2"]
    assert [attrs["id"] for attrs in elements(page.html, "h2")] == [
        "bilan",
        "bilan-2",
        "bilan-2-2",
    ]


def test_empty_slug_falls_back_to_section() -> None:
    page = render_markdown("# ???\n\n## !!!")
    assert [h.anchor for h in page.toc] == ["section", "section-2"]


def test_toc_lists_h1_to_h4_with_plain_text() -> None:
    source = "# Un\n\n## *Deux* `code`\n\n### Trois\n\n#### Quatre\n\n##### Cinq\n\n###### Six"
    assert render_markdown(source).toc == (
        Heading(level=1, text="Un", anchor="un"),
        Heading(level=2, text="Deux code", anchor="deux-code"),
        Heading(level=3, text="Trois", anchor="trois"),
        Heading(level=4, text="Quatre", anchor="quatre"),
    )


def test_existing_wikilink() -> None:
    html = render_markdown("Voir [[Accueil]].", resolver({"Accueil"})).html
    assert '<a class="wikilink" href="/s/demo/Accueil">Accueil</a>' in html


def test_missing_wikilink_points_to_creation_url() -> None:
    html = render_markdown("[[Nouvelle page]]", resolver(set())).html
    (link,) = elements(html, "a")
    assert link["class"] == "wikilink wikilink-missing"
    assert link["href"] == "/s/demo/_new?title=Nouvelle%20page&from=x"
    assert link["title"] == "Créer la page « Nouvelle page »"
    assert "&amp;from=x" in html


def test_wikilink_with_label_and_stripped_title() -> None:
    calls: list[str] = []
    html = render_markdown("[[ Accueil | la page d'accueil ]]", resolver({"Accueil"}, calls)).html
    assert calls == ["Accueil"]
    assert '<a class="wikilink" href="/s/demo/Accueil">la page d\'accueil</a>' in html


def test_resolver_called_once_per_title() -> None:
    calls: list[str] = []
    render_markdown("[[A]] [[B]] [[A|autre]]\n\n# [[A]]", resolver({"A"}, calls))
    assert calls == ["A", "B"]


def test_no_resolver_gives_missing_links() -> None:
    (link,) = elements(render_markdown("[[Page]]").html, "a")
    assert link["href"] == "#"
    assert link["class"] == "wikilink wikilink-missing"


def test_wikilinks_in_code_are_not_links() -> None:
    source = "`[[Code]]`\n\n```\n[[Fence]]\n```\n\n    [[Indented]]\n\n\\[[Escaped]]"
    html = render_markdown(source, resolver({"Code", "Fence", "Indented", "Escaped"})).html
    assert elements(html, "a") == []
    assert "<code>[[Code]]</code>" in html


def test_invalid_wikilinks_stay_text() -> None:
    too_long = "x" * 201
    source = f"[[ ]] [[{too_long}]] [[a]b]] [[a\nb]] [[a|b]c]] [[|label]]"
    assert elements(render_markdown(source).html, "a") == []
    assert wikilink_titles(source) == []


def test_title_of_200_characters_is_accepted() -> None:
    title = "é" * 200
    assert wikilink_titles(f"[[{title}]]") == [title]


def test_wikilink_titles_order_dedup_and_code() -> None:
    source = (
        "[[Beta]] et [[Alpha|texte affiché]] puis `[[Code]]`\n\n"
        "```\n[[Fence]]\n```\n\n"
        "| [[Gamma]] |\n|---|\n| [[Beta]] |\n\n"
        "- [ ] [[ Delta ]]\n"
    )
    assert wikilink_titles(source) == ["Beta", "Alpha", "Gamma", "Delta"]


def test_wikilink_inside_table_and_heading() -> None:
    page = render_markdown("# Voir [[Accueil|l'accueil]]\n\n| [[Accueil]] |\n|--|\n| x |")
    assert page.toc[0].text == "Voir l'accueil"
    assert len(elements(page.html, "a")) == 2


def test_french_text_and_typography_are_preserved() -> None:
    source = "## Œuvre à l'été\n\nLa coopérative « Le Cercle » a réuni 12 € — ça marche !"
    page = render_markdown(source)
    assert "La coopérative « Le Cercle » a réuni 12 € — ça marche !" in page.html
    assert page.toc == (Heading(level=2, text="Œuvre à l'été", anchor="oeuvre-a-l-ete"),)


def test_external_links_get_rel_internal_do_not() -> None:
    html = render_markdown(
        "[ext](https://example.org/a) [int](/s/demo/b) [mail](mailto:a@b.fr)"
    ).html
    ext, internal, mail = elements(html, "a")
    assert ext["rel"] == "noopener noreferrer nofollow"
    assert "rel" not in internal
    assert mail["href"] == "mailto:a@b.fr"


def test_images_relative_and_http() -> None:
    html = render_markdown('![logo](/static/logo.png "Logo") ![photo](https://e.org/p.jpg)').html
    assert [img["src"] for img in elements(html, "img")] == [
        "/static/logo.png",
        "https://e.org/p.jpg",
    ]
    assert elements(html, "img")[0]["alt"] == "logo"


def test_render_plain() -> None:
    source = (
        "# Titre *important*\n\n"
        "Du **texte** &amp; un [lien](https://e.org) et [[Page|une page]].\n\n"
        "- [x] tâche faite\n\n```python\nx = 1 < 2\n```\n\n<b>brut</b>"
    )
    assert render_plain(source) == (
        "Titre important\nDu texte & un lien et une page.\ntâche faite\nx = 1 < 2\n<b>brut</b>"
    )


def test_render_plain_of_empty_document() -> None:
    assert render_plain("") == ""
    assert render_markdown("").html == Markup("")
    assert render_markdown("").toc == ()


def test_task_list_checkbox_is_named_by_its_item():
    """A checkbox needs an accessible name (axe ``label``): its item's text, via <label>."""
    html = str(render_markdown("- [x] faire ensemble\n- [ ] faire avec\n").html)
    assert '<label><input class="task-list-item-checkbox" checked' in html
    assert "faire ensemble</label>" in html and "faire avec</label>" in html
