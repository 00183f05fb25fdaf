import logging
import time

from django.utils.cache import patch_cache_control

from .views import method_not_allowed

logger = logging.getLogger("equilibri.request")


class RequestLogMiddleware:
    """One structured log line per request: method, path, status, duration, user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        if request.path.startswith("/static/"):
            return response
        user = getattr(request, "user", None)
        logger.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every answer to a signed-in user.

    Why: whatever a signed-in user sees carries their data or their scope (names, applications,
    dashboards, exports, even their name in the header of a public page), and it must not be
    kept by a shared proxy nor by the browser for the next person at the same computer or after
    logout. A view that already said `no-store` (e.g. `never_cache`, private downloads) keeps its
    own policy. Anonymous answers are left as they are: the page cache (services/pagecache.py)
    and WhiteNoise answer before this runs, and anonymous pages carry nobody's data.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Read after the view: the API authenticates its bearer token there, a login logs in.
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in and "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True, no_store=True)
        return response


class MethodNotAllowedMiddleware:
    """A 405 without a body (Django's `require_POST` and class views answer so) becomes a page in
    the site's layout: someone who opens a form's address from a link or a bookmark reads what
    to do instead of a blank page. Answers with a body of their own, and the APIs (whose clients
    read the status and `Allow`, not a page), are kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not getattr(response, "streaming", False)
            and not response.content
            and not request.path.startswith("/api/")
        ):
            return method_not_allowed(request, response.get("Allow", ""))
        return response
