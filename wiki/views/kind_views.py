"""How a page of each kind is shown: the view side of the page-kinds registry (``wiki.kinds``).

The domain registry says what a kind's live document holds; this one says which view shows
it. A kind without a view here is shown as an ordinary Markdown page. Views register at
import of their blueprint module (``@kind_view("questionnaire")``) and are called by the
page view with the space and page already loaded and READ already checked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..models import Page, Space

KindView = Callable[[Space, Page], Any]
_VIEWS: dict[str, KindView] = {}


def kind_view(kind: str) -> Callable[[KindView], KindView]:
    def register(view: KindView) -> KindView:
        _VIEWS[kind] = view
        return view

    return register


def view_for(page: Page) -> KindView | None:
    return _VIEWS.get(page.kind)
