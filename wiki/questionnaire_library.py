"""Ready-made questionnaires: the built-in ones (French data files) and a space's own models.

Built-in models are JSON files in ``wiki/questionnaire_models/`` (key = file name without
``.json``), in the shape ``questionnaires.create`` takes plus ``title`` and
``description``. A facilitator's "save as model" stores the same shape in
``questionnaire_models`` for their space (key ``space-<id>``). Choosing a model copies it:
the new questionnaire does not change when the model does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .db import db
from .errors import NotFound
from .models import Space, User
from .models_questionnaires import Questionnaire, SavedModel
from .permissions import Action, require
from .questionnaire_core import QUESTION_FIELDS, editable, space_of, to_dict

MODELS_DIR = Path(__file__).resolve().parent / "questionnaire_models"
SAVED_PREFIX = "space-"
DEFINITION_FIELDS = (
    "kind",
    "anonymous",
    "audience",
    "results_visibility",
    "intro",
    "profiles",
    "questions",
)
MODEL_NOT_FOUND = _l("Ce modèle de questionnaire n'existe pas.")


@dataclass(frozen=True)
class ModelInfo:
    key: str
    title: str
    description: str
    builtin: bool


@cache
def builtin_models() -> dict[str, dict[str, Any]]:
    """Key → definition of every built-in model, in a stable order (file names)."""
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(MODELS_DIR.glob("*.json"))
    }


def _saved(space: Space) -> list[SavedModel]:
    return list(
        db.session.scalars(
            select(SavedModel).where(SavedModel.space_id == space.id).order_by(SavedModel.title)
        )
    )


def list_models(user: User | None, space: Space) -> list[ModelInfo]:
    require(user, space, Action.MANAGE, writing=False)
    infos = [
        ModelInfo(key, model["title"], model.get("description", ""), True)
        for key, model in builtin_models().items()
    ]
    infos += [
        ModelInfo(f"{SAVED_PREFIX}{saved.id}", saved.title, saved.description, False)
        for saved in _saved(space)
    ]
    return infos


def _definition(space: Space, model_key: str) -> dict[str, Any]:
    if not isinstance(model_key, str):
        raise NotFound(MODEL_NOT_FOUND)
    if model_key in builtin_models():
        return builtin_models()[model_key]
    suffix = model_key.removeprefix(SAVED_PREFIX)
    saved = None
    if model_key.startswith(SAVED_PREFIX) and suffix.isdigit() and len(suffix) < 10:
        saved = db.session.get(SavedModel, int(suffix))
    if saved is None or saved.space_id != space.id:
        raise NotFound(MODEL_NOT_FOUND)
    return {"title": saved.title, **saved.definition}


def create_from_model(
    user: User,
    space: Space,
    model_key: str,
    *,
    title: str | None = None,
    parent_id: int | None = None,
) -> Questionnaire:
    from .questionnaires import create

    require(user, space, Action.MANAGE)
    model = _definition(space, model_key)
    fields = {name: model[name] for name in DEFINITION_FIELDS if name in model}
    return create(user, space, title=title or model["title"], parent_id=parent_id, **fields)


def definition_of(questionnaire: Questionnaire) -> dict[str, Any]:
    """The reusable part of a questionnaire (no ids, dates or answers)."""
    shape = to_dict(questionnaire)
    definition = {name: shape[name] for name in DEFINITION_FIELDS if name != "questions"}
    definition["questions"] = [
        {name: question[name] for name in QUESTION_FIELDS} for question in shape["questions"]
    ]
    return definition


def save_as_model(user: User, questionnaire_id: int) -> ModelInfo:
    questionnaire = editable(user, questionnaire_id)
    saved = SavedModel(
        space_id=space_of(questionnaire).id,
        title=questionnaire.title,
        description=_first_line(questionnaire.intro),
        definition=definition_of(questionnaire),
        created_by_id=user.id,
    )
    db.session.add(saved)
    db.session.commit()
    return ModelInfo(f"{SAVED_PREFIX}{saved.id}", saved.title, saved.description, False)


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip().lstrip("#").strip()[:300]
    return ""
