"""How the API answers: JSON (or NDJSON) open to any origin, the `Page` wrapper of the lists,
404 for what is not there, and `api_view`, which makes a view read-only and turns a bad
parameter into a 400.
"""

import json
import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from .params import BadParameter, Params

NDJSON_CHUNK = 500


def _json(data: Any, status: int = 200) -> JsonResponse:
    response = JsonResponse(
        data, status=status, safe=False, json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def not_found(what: str) -> JsonResponse:
    return _json({"detail": f"{what} non trovato."}, status=404)


def api_view(fn: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    # Read-only and without cookies: any other method is a 405 naming GET (the CSRF check would
    # answer a 403 first to an unsafe method, as if something could be written).
    @csrf_exempt
    @require_GET
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        try:
            response = fn(request, *args, **kwargs)
        except BadParameter as exc:
            return _json({"detail": exc.message, "parameter": exc.parameter}, status=400)
        # Public data that changes only with the catalogue: see services/pagecache.py.
        response.page_cache_seconds = settings.PAGE_CACHE_SECONDS  # type: ignore[attr-defined]
        return response

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def page_wrapper(contents: list, total: int, params: Params) -> dict[str, Any]:
    total_pages = math.ceil(total / params.per_page) if total else 0
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": params.page,
        "size": len(contents),
        "first_page": params.page == 1,
        "last_page": params.page >= total_pages,
        "empty": len(contents) == 0,
        "contents": contents,
    }


def _ndjson(lines: Iterable[dict]) -> StreamingHttpResponse:
    def stream() -> Iterator[bytes]:
        for item in lines:
            yield json.dumps(item, ensure_ascii=False).encode() + b"\n"

    response = StreamingHttpResponse(stream(), content_type="application/x-ndjson")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _chunks(ids: list[int], size: int = NDJSON_CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _in_order(objects: Iterable, ids: list[int]) -> list:
    by_id = {o.pk: o for o in objects}
    return [by_id[i] for i in ids if i in by_id]
