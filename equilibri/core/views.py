import logging

from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def page(template: str):
    """A static content page (accessibility statement, privacy notice, contacts)."""

    def view(request: HttpRequest) -> HttpResponse:
        return render(request, template)

    return view


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("health check: database unavailable")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _error(
    request, status: int, title: str, message: str, template: str = "core/error.html"
) -> HttpResponse:
    return render(
        request, template, {"status": status, "title": title, "message": message}, status=status
    )


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        return _error(
            request,
            413,
            _("Richiesta troppo grande"),
            _(
                "I dati inviati superano la dimensione massima consentita. Riduci i "
                "file o il testo e riprova."
            ),
        )
    return _error(
        request,
        400,
        _("Richiesta non valida"),
        _("La richiesta non è stata compresa. Torna indietro e riprova."),
    )


def method_not_allowed(request, allowed: str) -> HttpResponse:
    """A page for a link opened on an address that only takes a form (e.g. a bookmarked "report
    a mistake"): what happened and where to go, in the site's layout, with the `Allow` header."""
    response = _error(
        request,
        405,
        _("Azione non disponibile da un link"),
        _(
            "Questo indirizzo esegue un'azione e si usa solo dal suo modulo. Torna alla pagina "
            "precedente e usa il pulsante."
        ),
    )
    response["Allow"] = allowed
    return response


def permission_denied(request, exception=None):
    return _error(
        request,
        403,
        _("Accesso non consentito"),
        _(
            "Non hai i permessi per vedere questa pagina. Se pensi sia un errore, "
            "contatta l'operatore della tua ATS."
        ),
    )


def page_not_found(request, exception=None):
    return _error(
        request,
        404,
        _("Pagina non trovata"),
        _(
            "La pagina che cerchi non esiste o è stata spostata. Controlla l'indirizzo "
            "o torna alla pagina iniziale."
        ),
    )


def server_error(request):
    return _error(
        request,
        500,
        _("Errore del servizio"),
        _(
            "Si è verificato un errore imprevisto. È stato registrato e lo "
            "correggeremo: riprova tra qualche minuto."
        ),
        template="core/error_500.html",
    )


def csrf_failure(request, reason=""):
    return _error(
        request,
        403,
        _("Sessione scaduta"),
        _(
            "Il modulo è scaduto o è stato aperto in un'altra scheda. Torna indietro, "
            "ricarica la pagina e invialo di nuovo: i dati già salvati non sono andati "
            "persi."
        ),
    )
