"""More fast paths of the bulk import, checked against the straightforward code: PostgreSQL
index vectors put together from per-word lexemes give what to_tsvector gives, and the JSON
reader gives what `json` gives (and its errors)."""

import dataclasses
import io
import json

import pytest
from django.db import connection

from equilibri.catalogue import indexing
from equilibri.catalogue.hsds.interchange import ImportReport, export_json, import_hsds
from equilibri.catalogue.hsds.interchange import read_source as read_hsds
from equilibri.catalogue.hsds.reading import Limits, parse_json
from equilibri.catalogue.models import Service
from equilibri.catalogue.search import public_services

WORDS = [
    "",
    "a",
    "il",
    "la casa il",
    "il il il gatto",
    "gatto " * 300,
    "123 45a6 a456 1e5 0x1f 12345678901234567890 007",
    "x" * 150,
    "x" * 2100,
    "e la di da in con per su tra fra",
    "centro estivo bambini famiglie conciliazione assistenza domiciliare anziani",
    "ii iii iv mcmxc www example com",
    "un uno una perche cosi piu citta",
    "q" * 99,
]
DOCUMENTS = [(a.strip(), b.strip()) for a in WORDS for b in WORDS] + [("casa", "casa " * 17000)]


def _vectors_of(rows: list[tuple[int, str, str]], bulk: int, monkeypatch) -> dict[int, str]:
    monkeypatch.setattr(indexing, "BULK_VECTORS", bulk)
    documents = indexing._Documents()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM services_search")
        documents.insert(cursor, rows)
        cursor.execute("SELECT service_id, document::text FROM services_search")
        return dict(cursor.fetchall())


@pytest.mark.django_db
def test_vectors_put_together_are_those_of_to_tsvector(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's index")
    rows = [(i, name, body) for i, (name, body) in enumerate(DOCUMENTS, start=1)]
    by_server = _vectors_of(rows, len(rows) + 1, monkeypatch)
    put_together = _vectors_of(rows, 1, monkeypatch)
    assert len(by_server) == len(rows)
    assert put_together == by_server
    # Most documents did not need to_tsvector.
    vectors = indexing._Vectors()
    with connection.cursor() as cursor:
        vectors.learn(cursor, {w for _i, n, b in rows for w in f"{n} {b}".split()})
    assert sum(vectors.vector(n, b) is not None for _i, n, b in rows) > len(rows) // 2


@pytest.mark.django_db
def test_vectors_streamed_in_batches_are_those_of_to_tsvector(monkeypatch):
    """An import's stream: one COPY fed batch by batch, the words learnt on a second
    connection; the documents it cannot put together are left to to_tsvector."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's index")
    rows = [(i, name, body) for i, (name, body) in enumerate(DOCUMENTS, start=1)]
    by_server = _vectors_of(rows, len(rows) + 1, monkeypatch)
    documents = indexing._Documents()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM services_search")
        documents.stream(cursor, iter([rows[:60], [], rows[60:]]))
        cursor.execute("SELECT service_id, document::text FROM services_search")
        assert dict(cursor.fetchall()) == by_server


@pytest.mark.django_db
def test_bulk_imported_vectors_are_those_of_to_tsvector(user_of, tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's index")
    out = io.StringIO()
    export_json(out)
    path = tmp_path / "catalogo.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    expected = _index()
    Service.objects.filter(pk__in=public_services().values("pk")).delete()
    indexing.reindex_services()
    monkeypatch.setattr(indexing, "BULK_VECTORS", 1)
    report = import_hsds(path, by=user_of("admin"))
    assert report.ok, [str(e) for e in report.errors]
    imported = _index()
    # New ids: compare the documents of the services by name.
    assert sorted(imported.values()) == sorted(expected.values())


def _index() -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT service_id, document::text FROM services_search")
        return dict(cursor.fetchall())


JSON_TEXTS = [
    b'{"a": [1, 2.5, -0.0, 1e400, 123456789012345678901234567890, null, true, "\\u00e8"]}',
    b'\xef\xbb\xbf{"bom": "yes", "dup": 1, "dup": 2}',
    b'["\\ud83d\\ude00", "\\ud800", "caff\xc3\xa8"]',
    b"[NaN, Infinity, -Infinity]",
    b"[" * 300 + b"]" * 300,
]
BAD_JSON = [b"[1,]", b'{"a": 1}x', b'"a\tb"', b"-", b"\xff\xfe[]", b'{"a": "\xe8"}']


@pytest.mark.parametrize("raw", JSON_TEXTS)
def test_json_reader_gives_what_json_gives(raw):
    # Nesting allowed past pydantic_core's own ceiling (200), so that `json` reads the deepest.
    limits = dataclasses.replace(Limits.from_settings(), max_depth=400)
    # (repr: NaN is not equal to itself.)
    assert repr(parse_json(raw, limits)) == repr(json.loads(raw.decode("utf-8-sig")))


@pytest.mark.parametrize("raw", BAD_JSON)
def test_json_reader_errors_are_those_of_json(raw):
    def report_of(source) -> list[str]:
        report = ImportReport(source="bad.json")
        read_hsds(source, report)
        return [str(e) for e in report.errors]

    errors = report_of(io.BytesIO(raw))
    assert len(errors) == 1
    try:
        json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        assert "UTF-8" in errors[0]
    except json.JSONDecodeError as exc:
        assert f"{exc.lineno}" in errors[0] and f"{exc.colno}" in errors[0]
