"""Plain-French words for HTTP errors a participant might meet."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

_HTTP_MESSAGES = {
    400: _l("La demande est incomplète ou mal formée."),
    401: _l("Connectez-vous pour continuer."),
    403: _l("Vous n'avez pas accès à cette page."),
    404: _l("Cette page n'existe pas (ou plus)."),
    405: _l("Cette action n'est pas possible ici."),
    413: _l("Le fichier ou le texte envoyé est trop volumineux."),
    414: _l("L'adresse demandée est trop longue."),
    415: _l("Ce format n'est pas accepté."),
    429: _l("Trop de demandes d'un coup : patientez un instant."),
    431: _l("Les en-têtes de la demande sont trop volumineux."),
}


def http_message(status: int) -> str:
    if status >= 500:
        return gettext("Une erreur inattendue s'est produite.")
    return str(_HTTP_MESSAGES.get(status, _l("La demande n'a pas pu aboutir.")))
