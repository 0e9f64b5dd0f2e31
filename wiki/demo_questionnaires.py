"""The demo space's questionnaires: the registration form and the quiz, already answered.

Six people answer (the demo participant and five more, who have no password anyone
knows), so the live wall, the word cloud and the quiz spread have something to show.
"""

from __future__ import annotations

import secrets
from typing import Any

from . import accounts, questionnaire_answers, questionnaires, spaces
from .models import Space, User

VOICES = [
    ("awa.diallo@demo.cercle.test", "Awa Diallo"),
    ("lucas.moreau@demo.cercle.test", "Lucas Moreau"),
    ("ines.garcia@demo.cercle.test", "Inès Garcia"),
    ("paul.lefevre@demo.cercle.test", "Paul Lefèvre"),
    ("nadia.haddad@demo.cercle.test", "Nadia Haddad"),
]
#: label → answer, one dict per person (the demo participant first)
REGISTRATIONS: list[dict[str, Any]] = [
    {
        "Qui êtes-vous ?": "Coordinateur d'un tiers-lieu associatif en centre-bourg.",
        "Votre structure": "La Fabrique du bourg",
        "Type de structure": "Association",
        "Vos coopérations en cours": "Un local partagé avec deux associations culturelles.",
        "Où en est votre coopération la plus avancée ?": "Faire avec (coopération de moyens)",
        "Les freins que vous rencontrez": ["Le temps disponible", "La gouvernance partagée"],
        "Vos attentes pour la journée": "Comprendre quel statut choisir pour aller plus loin.",
        "La coopération, pour vous, en trois mots": ["confiance", "partage", "temps"],
    },
    {
        "Qui êtes-vous ?": "Gérante d'une SCOP de services à la personne.",
        "Votre structure": "Aide & Vous SCOP",
        "Type de structure": "Coopérative (SCOP, SCIC, CAE)",
        "Où en est votre coopération la plus avancée ?": "Faire ensemble (coopération économique)",
        "Les freins que vous rencontrez": [
            "Le financement",
            "Les questions juridiques et de statut",
        ],
        "Vos attentes pour la journée": "Rencontrer des structures du territoire.",
        "La coopération, pour vous, en trois mots": ["Confiance", "coopérations", "solidarité"],
    },
    {
        "Qui êtes-vous ?": "Chargé de mission ESS à la communauté de communes.",
        "Votre structure": "Communauté de communes du Val",
        "Type de structure": "Collectivité territoriale",
        "Les freins que vous rencontrez": ["La confiance entre partenaires"],
        "Vos attentes pour la journée": "Savoir comment une collectivité entre dans une SCIC.",
        "La coopération, pour vous, en trois mots": ["territoire", "coopération"],
    },
    {
        "Qui êtes-vous ?": "Bénévole, trésorière d'une épicerie solidaire.",
        "Votre structure": "L'Épicerie du Lien",
        "Type de structure": "Association",
        "Où en est votre coopération la plus avancée ?": "Pas encore de coopération",
        "Les freins que vous rencontrez": ["Le temps disponible", "La peur de perdre son identité"],
        "Vos attentes pour la journée": "Des exemples concrets de mutualisation.",
        "La coopération, pour vous, en trois mots": ["partage", "entraide", "confiance"],
    },
    {
        "Qui êtes-vous ?": "Entrepreneur salarié d'une CAE, menuisier.",
        "Votre structure": "CAE Bâtir ensemble",
        "Type de structure": "Coopérative (SCOP, SCIC, CAE)",
        "Vos attentes pour la journée": "Des outils pour animer un groupement d'achat.",
        "La coopération, pour vous, en trois mots": ["outils", "temps"],
    },
    {
        "Qui êtes-vous ?": "Directrice d'un réseau d'insertion.",
        "Votre structure": "Réseau Insertion 37",
        "Type de structure": "Réseau ou fédération",
        "Où en est votre coopération la plus avancée ?": "Faire corps (coopération stratégique)",
        "Vos attentes pour la journée": "Partager notre expérience de fusion.",
        "La coopération, pour vous, en trois mots": ["confiance", "gouvernance", "coopérer"],
    },
]
#: for each person, the index of the chosen option of each single-choice quiz question
QUIZ_CHOICES = [
    [1, 1, 2, 1, 1],
    [0, 0, 0, 2, 0],
    [3, 3, 3, 3, 3],
    [2, 2, 1, 2, 2],
    [3, 2, 3, 3, 3],
    [1, 1, 1, 0, 1],
]


def _people(participant: User, space: Space) -> list[User]:
    people = [participant]
    for email, name in VOICES:
        user = accounts.find_by_email(email) or accounts.create_user(
            email, name, secrets.token_urlsafe(24)
        )
        spaces.join_space(space, user, "participant")
        people.append(user)
    return people


def _by_label(questionnaire, answers: dict[str, Any]) -> dict[str, Any]:
    ids = {question.label: str(question.id) for question in questionnaire.questions}
    return {ids[label]: value for label, value in answers.items()}


def seed(facilitator: User, participant: User, space: Space) -> None:
    people = _people(participant, space)
    registration = questionnaires.create_from_model(facilitator, space, "inscription")
    for person, answers in zip(people, REGISTRATIONS, strict=True):
        questionnaire_answers.submit(person, registration.id, _by_label(registration, answers))
    quiz = questionnaires.create_from_model(facilitator, space, "quiz-cooperateur")
    singles = [q for q in quiz.questions if q.type == "single_choice"]
    shared = next(q for q in quiz.questions if q.type == "multiple_choice")
    for person, choices in zip(people, QUIZ_CHOICES, strict=True):
        answers = {str(q.id): q.options[i] for q, i in zip(singles, choices, strict=True)}
        answers[str(shared.id)] = [shared.options[choices[0]]]
        questionnaire_answers.submit(person, quiz.id, answers)
