"""The fast paths of bulk import and indexing give what the straightforward code gives: the
index's folding and stemming tables the same words as `search.words()` / `search.stems()`, the
value-query documents the same index rows as documents built from model instances, and error
rows of nested JSON objects the same paths as when every object was tagged on reading."""

import io
import json

import pytest
from django.db import connection
from django.db.models import Prefetch

from equilibri.catalogue.hsds.interchange import allowed_organisations, export_json, import_hsds
from equilibri.catalogue.indexing import _Tokens, reindex_services
from equilibri.catalogue.models import Service, ServiceAtLocation, hsds_organisation_id
from equilibri.catalogue.search import public_services, stems, words

TEXTS = [
    "",
    "Centro estivo per bambini dai 6 agli 11 anni, con mensa e piscina.",
    "CITTÀ DI TRADATE — Sant’Angelo Lodigiano, l'asilo nido «Il Girotondo»",
    "Perché è così? Attività per l’infanzia: più giochi, nessun costo (0,00 €).",
    "Straße ﬁnestra ² ½ Ｆｕｌｌ ｗｉｄｔｈ İstanbul ǰ ŉ",
    "a\u0301b e\u0300 cafe\u0301 nbsp\u00a0parola\u2009sottile\u202fstretta",
    "Ελληνικά русский 中文 עברית ǅemal ﬀ ﬃ ﬆ",
    "e la di da in con per su tra fra il lo gli un una dell'assistenza",
    "\ttabulazioni\n a capo\r\n   spazi  ",
]


@pytest.mark.parametrize("text", TEXTS)
def test_index_tokens_are_search_words_and_stems(text):
    tokens = _Tokens()
    assert tokens.words(text) == words(text)
    assert tokens.stemmed(text) == " ".join(stems(text))
    # Cached characters and words give the same again.
    assert tokens.stemmed(text + " " + text) == " ".join(stems(text + " " + text))


def _reference_documents() -> dict[int, tuple[str, str]]:
    """The index texts built from model instances, as the index was first written."""
    services = (
        public_services()
        .select_related("organisation")
        .prefetch_related(
            "terms",
            Prefetch(
                "at_locations",
                queryset=ServiceAtLocation.objects.select_related("location__comune").order_by(
                    "location_id"
                ),
            ),
        )
    )
    out = {}
    for s in services:
        locations = [sal.location for sal in s.at_locations.all()]
        # The categories go with the name (the search weighs them above the description).
        categories = " ".join(t.name for t in s.terms.all())
        body_parts = [
            s.description,
            s.organisation.name,
            " ".join(
                f"{loc.name} {loc.address} {loc.comune.name if loc.comune else ''}"
                for loc in locations
            ),
            s.eligibility_description,
            s.application_process,
            " ".join(lang.name for lang in s.languages.order_by("id")),
        ]
        name = " ".join(p for p in (s.name, s.alternate_name, categories) if p)
        out[s.id] = (name, " ".join(p for p in body_parts if p))
    return out


def _index_rows() -> dict[int, tuple]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT service_id, document::text FROM services_search")
            return {i: (doc,) for i, doc in cursor.fetchall()}
        cursor.execute("SELECT rowid, name, body FROM services_fts")
        return {i: (name, body) for i, name, body in cursor.fetchall()}


def _expected_rows(docs: dict[int, tuple[str, str]]) -> dict[int, tuple]:
    if connection.vendor != "postgresql":
        return {i: (" ".join(stems(n)), " ".join(stems(b))) for i, (n, b) in docs.items()}
    out = {}
    with connection.cursor() as cursor:
        for i, (name, body) in docs.items():
            cursor.execute(
                "SELECT (setweight(to_tsvector('italian', unaccent(%s)), 'A') ||"
                " setweight(to_tsvector('italian', unaccent(%s)), 'B'))::text",
                [" ".join(words(name)), " ".join(words(body))],
            )
            out[i] = (cursor.fetchone()[0],)
    return out


@pytest.mark.django_db
def test_bulk_index_rows_are_those_of_model_documents():
    assert reindex_services() == public_services().count() > 10
    assert _index_rows() == _expected_rows(_reference_documents())


@pytest.mark.django_db
def test_imported_services_are_indexed_as_edited_ones(user_of, tmp_path):
    out = io.StringIO()
    export_json(out)
    path = tmp_path / "catalogo.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    Service.objects.filter(pk__in=public_services().values("pk")).delete()
    assert reindex_services() == 0  # an empty index, as after wiping the catalogue
    report = import_hsds(path, by=user_of("admin"))
    assert report.ok, [str(e) for e in report.errors]
    assert report.services.created > 10
    assert _index_rows() == _expected_rows(_reference_documents())
    again = import_hsds(path, by=user_of("admin"))
    assert (again.services.created, again.services.updated) == (0, 0)
    assert _index_rows() == _expected_rows(_reference_documents())

    # Changed by the operator of its ATS, who moderates it: public (and indexed) at once.
    insubria = user_of("operatore.insubria")
    ours = {str(hsds_organisation_id(pk)) for pk in allowed_organisations(insubria)}
    data = json.loads(out.getvalue())
    data["services"] = [s for s in data["services"] if s["organization_id"] in ours]
    data["services"][0]["name"] = "Ludoteca rinnovata"
    data["services"][0]["description"] = "Giochi e laboratori per bambini e famiglie."
    path.write_text(json.dumps(data), encoding="utf-8")
    edited = import_hsds(path, by=insubria)
    assert (edited.services.created, edited.services.updated) == (0, 1)
    assert _index_rows() == _expected_rows(_reference_documents())
    assert any("ludotec" in row[0] for row in _index_rows().values())


@pytest.mark.django_db
def test_nested_json_errors_name_their_path(user_of, tmp_path):
    out = io.StringIO()
    export_json(out)
    data = json.loads(out.getvalue())
    i, service = next((i, s) for i, s in enumerate(data["services"]) if s["service_at_locations"])
    service["service_at_locations"][0]["schedules"] = [
        {
            "id": "00000000-0000-4000-8000-0000000000bb",
            "freq": "WEEKLY",
            "byday": "MO",
            "opens_at": "25:99",
            "closes_at": "18:00",
        }
    ]
    service["languages"] = [{"id": "00000000-0000-4000-8000-0000000000aa", "code": "xxxx"}]
    rows = _error_rows(data, tmp_path, user_of("admin"))
    assert ("opens_at", f"services[{i}].service_at_locations[0].schedules[0]") in rows
    assert ("code", f"services[{i}].languages[0]") in rows

    # Errors of the official schemas (checked first) too.
    service["service_at_locations"][0]["location"]["url"] = "non un indirizzo"
    service["contacts"] = [{"id": "not-a-uuid", "name": "Referente"}]
    rows = _error_rows(data, tmp_path, user_of("admin"))
    assert ("url", f"services[{i}].service_at_locations[0].location") in rows
    assert ("id", f"services[{i}].contacts[0]") in rows


def _error_rows(data, tmp_path, by) -> set[tuple[str, str]]:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    report = import_hsds(path, by=by)
    assert not report.written
    assert all(e.file == "bad.json" for e in report.errors)
    return {(e.field, e.row) for e in report.errors}


@pytest.mark.django_db
def test_a_clash_in_the_database_refuses_the_whole_file(user_of, tmp_path):
    """The bulk writes (executemany; COPY on PostgreSQL) still turn a clash into the report's
    error: here a new service whose objects keep the ids of those of an existing one."""
    out = io.StringIO()
    export_json(out)
    data = json.loads(out.getvalue())
    service = next(s for s in data["services"] if s["service_at_locations"])
    service["id"] = "00000000-0000-4000-8000-0000000000cc"
    service["name"] = "Copia con gli stessi id"
    path = tmp_path / "clash.json"
    path.write_text(json.dumps({"services": [service]}), encoding="utf-8")
    report = import_hsds(path, by=user_of("admin"))
    assert not report.ok
    assert not report.written
    assert report.errors[0].field == "id"
    assert not Service.objects.filter(name="Copia con gli stessi id").exists()


@pytest.mark.django_db
def test_ids_in_upper_case_are_the_same_ids(user_of, tmp_path):
    """Ids in the canonical form are read without parsing, others the HSDS schemas accept
    (upper case) are parsed: the same objects either way; messages show the canonical form."""
    out = io.StringIO()
    export_json(out)
    data = json.loads(out.getvalue())
    service = next(s for s in data["services"] if s["service_at_locations"])
    canonical = service["id"]
    sal = service["service_at_locations"][0]
    service["id"] = canonical.upper()
    sal["location"]["id"] = sal["location"]["id"].upper()
    for schedule in [*service.get("schedules", []), *sal.get("schedules", [])]:
        schedule["id"] = schedule["id"].upper()
    path = tmp_path / "forms.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    report = import_hsds(path, by=user_of("admin"))
    assert report.ok, [str(e) for e in report.errors]
    assert (report.services.created, report.services.updated) == (0, 0)
    assert (report.locations.created, report.locations.updated) == (0, 0)

    twice = {"services": [service, dict(service, id=canonical)]}
    path.write_text(json.dumps(twice), encoding="utf-8")
    report = import_hsds(path, by=user_of("admin"))
    assert not report.ok
    assert any(canonical in e.message and e.field == "id" for e in report.errors)
