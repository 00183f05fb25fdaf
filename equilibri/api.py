"""The JSON API (OpenAPI document at /api/openapi.json, interactive docs at /api/docs).

Every endpoint needs a token (`Authorization: Bearer <token>`, issued in the reserved area at
Cruscotto → Accesso API) and answers within the token's user's scope: an object outside it is a
404, the same as a missing one. Each app contributes a router.
"""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from equilibri.accounts.api_tokens import ApiTokenAuth
from equilibri.network.api import router as network_router
from equilibri.plans.api import router as plans_router

api = NinjaAPI(
    title="Equilibri API",
    version="1",
    urls_namespace="api",
    description=(
        "Lettura dei dati della rete per la conciliazione vita-lavoro: organizzazioni, alleanze, "
        "piani territoriali, progetti e azioni, nel perimetro dei ruoli del titolare del token. "
        'Gli importi sono stringhe decimali con due cifre ("1234.50").'
    ),
    auth=ApiTokenAuth(),
)


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc: AuthenticationError):
    response = api.create_response(request, {"detail": exc.message}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="equilibri"'
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(
        request, {"detail": "Non trovato (o fuori dal perimetro dei tuoi ruoli)."}, status=404
    )


api.add_router("/", network_router)
api.add_router("/", plans_router)
