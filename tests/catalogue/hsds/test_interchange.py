"""HSDS import and export: JSON and Tabular Data Package, round trips, idempotent re-import,
bad files refused whole with a row-by-row report, oversized files refused unread, the official
examples refused clearly."""

import copy
import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from equilibri.catalogue.hsds.interchange import export_json, export_tabular, import_hsds
from equilibri.catalogue.models import Location, Service, hsds_organisation_id

from .conftest import SCHEMA_DIR, assert_valid

pytestmark = pytest.mark.django_db

VOLATILE = {"last_modified", "assured_date"}


@pytest.fixture
def operator(user_of):
    """A superuser: the test catalogue spans two ATS."""
    return user_of("admin")


def exported_json() -> dict:
    out = io.StringIO()
    export_json(out)
    return json.loads(out.getvalue())


def exported_zip() -> bytes:
    out = io.BytesIO()
    export_tabular(out)
    return out.getvalue()


def ours(data: dict, catalogue) -> dict[str, dict]:
    wanted = {str(s.uuid) for s in (catalogue.camp, catalogue.ironing, catalogue.online)}
    return {
        s["id"]: {k: v for k, v in s.items() if k not in VOLATILE}
        for s in data["services"]
        if s["id"] in wanted
    }


def forget(catalogue) -> None:
    """Removes our services and their locations: an empty catalogue for them."""
    services = [catalogue.camp, catalogue.ironing, catalogue.online, catalogue.draft]
    locations = list(
        Location.objects.filter(services_at__service__in=services).values_list("pk", flat=True)
    )
    Service.objects.filter(pk__in=[s.pk for s in services]).delete()
    Location.objects.filter(pk__in=locations).delete()


def write(tmp_path: Path, name: str, content) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(json.dumps(content), encoding="utf-8")
    return path


def test_export_json_validates(catalogue):
    data = exported_json()
    assert data["hsds_version"] == "3.0"
    assert str(catalogue.draft.uuid) not in {s["id"] for s in data["services"]}
    assert str(catalogue.camp.uuid) in {s["id"] for s in data["services"]}
    for service in data["services"]:
        assert_valid(service, "compiled/service.json")
    for org in data["organizations"]:
        assert_valid(org, "compiled/organization.json")
    assert {t["code"] for t in data["taxonomy_terms"]} >= {"centri-estivi", "istat-comune"}


def test_export_tabular_follows_the_datapackage(catalogue):
    package = json.loads((SCHEMA_DIR / "datapackage.json").read_text())
    with zipfile.ZipFile(io.BytesIO(exported_zip())) as zf:
        names = set(zf.namelist())
        assert "datapackage.json" in names
        for resource in package["resources"]:
            assert resource["path"] in names
            rows = list(csv.reader(io.StringIO(zf.read(resource["path"]).decode())))
            assert rows[0] == [f["name"] for f in resource["schema"]["fields"]]
        services = list(csv.DictReader(io.StringIO(zf.read("services.csv").decode())))
        assert str(catalogue.camp.uuid) in {s["id"] for s in services}
        schedules = list(csv.DictReader(io.StringIO(zf.read("schedules.csv").decode())))
        camp_days = [s for s in schedules if s["service_id"] == str(catalogue.camp.uuid)]
        assert {s["byday"] for s in camp_days} == {"MO", "TU", "WE", "TH", "FR"}


@pytest.mark.parametrize("kind", ["json", "tabular"])
def test_round_trip_and_idempotent_reimport(catalogue, tmp_path, operator, kind):
    before = exported_json()
    content = before if kind == "json" else exported_zip()
    path = write(tmp_path, "catalogo.json" if kind == "json" else "catalogo.zip", content)
    forget(catalogue)
    assert not Service.objects.filter(uuid=catalogue.camp.uuid).exists()

    report = import_hsds(path, by=operator)
    assert report.ok, [str(e) for e in report.errors]
    assert report.written
    assert report.services.created == 3
    assert report.services.updated == 0
    assert report.services.unchanged == len(before["services"]) - 3
    assert report.locations.created == 4
    camp = Service.objects.get(uuid=catalogue.camp.uuid)
    assert camp.review_state == Service.Review.PUBLISHED
    assert operator.email in camp.moderation_note
    after = exported_json()
    assert ours(after, catalogue) == ours(before, catalogue)

    stamp = dict(Service.objects.values_list("uuid", "last_modified"))
    again = import_hsds(path, by=operator)
    assert again.ok
    assert (again.services.created, again.services.updated) == (0, 0)
    assert again.services.unchanged == len(before["services"])
    assert (again.locations.created, again.locations.updated) == (0, 0)
    assert dict(Service.objects.values_list("uuid", "last_modified")) == stamp


def test_an_edit_updates_only_that_service(catalogue, tmp_path, user_of):
    """By the operator of the service's ATS, who moderates it: public at once."""
    data = exported_json()
    aquilone = str(hsds_organisation_id(catalogue.aquilone.pk))
    data["services"] = [s for s in data["services"] if s["organization_id"] == aquilone]
    camp = next(s for s in data["services"] if s["id"] == str(catalogue.camp.uuid))
    camp["name"] = "Centro estivo rinnovato"
    camp["service_at_locations"][0]["schedules"] = camp["service_at_locations"][0]["schedules"][:2]
    report = import_hsds(write(tmp_path, "c.json", data), by=user_of("operatore.insubria"))
    assert report.ok, [str(e) for e in report.errors]
    assert report.services.updated == 1
    assert report.services.created == 0
    catalogue.camp.refresh_from_db()
    assert catalogue.camp.name == "Centro estivo rinnovato"
    assert catalogue.camp.schedules.count() == 2


def test_dry_run_writes_nothing(catalogue, tmp_path, operator):
    data = exported_json()
    path = write(tmp_path, "c.json", data)
    forget(catalogue)
    report = import_hsds(path, by=operator, dry_run=True)
    assert report.ok
    assert report.services.created == 3
    assert not report.written
    assert not Service.objects.filter(uuid=catalogue.camp.uuid).exists()


def test_bad_rows_refuse_the_whole_file(catalogue, tmp_path, operator):
    data = exported_json()
    forget(catalogue)
    services = {s["id"]: s for s in data["services"]}
    camp = services[str(catalogue.camp.uuid)]
    location = camp["service_at_locations"][0]["location"]
    location["attributes"] = []
    location["addresses"][0]["city"] = "Springfield"
    location["addresses"][0]["state_province"] = "IL"
    location["addresses"][0]["postal_code"] = "62704"
    camp["service_at_locations"][0]["schedules"][0]["opens_at"] = "25:99"
    online = services[str(catalogue.online.uuid)]
    online["organization_id"] = "00000000-0000-4000-8000-000000000000"
    online.pop("organization")
    ironing = services[str(catalogue.ironing.uuid)]
    for attribute in ironing["attributes"]:
        if attribute.get("taxonomy_term"):
            attribute["taxonomy_term_id"] = "00000000-0000-4000-8000-000000000001"
            attribute.pop("taxonomy_term")
    ironing["status"] = "chiuso"
    report = import_hsds(write(tmp_path, "bad.json", data), by=operator)
    assert not report.ok
    assert not report.written
    assert not Service.objects.filter(
        uuid__in=[catalogue.camp.uuid, catalogue.ironing.uuid, catalogue.online.uuid]
    ).exists()
    messages = [str(e) for e in report.errors]
    by_field = {(e.field, e.file) for e in report.errors}
    assert ("addresses", "bad.json") in by_field
    assert any("Springfield" in m for m in messages)
    assert any(e.field == "opens_at" for e in report.errors)
    assert any(e.field == "organization_id" for e in report.errors)
    assert any(e.field == "status" for e in report.errors)
    rows = {e.row for e in report.errors}
    assert any(r.startswith("services[") for r in rows)
    assert report.summary().startswith("Importazione rifiutata")


def test_tabular_errors_name_file_and_row(catalogue, tmp_path, operator):
    raw = exported_zip()
    forget(catalogue)
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name in src.namelist():
            text = src.read(name).decode()
            if name == "cost_options.csv":
                text = text.replace(",fee,EUR,85.5,", ",fee,USD,85.5,")
            if name == "languages.csv":
                text = text.replace(",inglese,en,", ",inglese,,")
            zf.writestr(name, text)
    report = import_hsds(write(tmp_path, "bad.zip", out.getvalue()), by=operator)
    assert not report.ok
    currency = next(e for e in report.errors if e.field == "currency")
    assert currency.file == "cost_options.csv"
    assert currency.row.startswith("riga ")
    language = next(e for e in report.errors if e.field == "code")
    assert language.file == "languages.csv"


def test_oversized_files_are_refused_before_reading(tmp_path, operator):
    class Upload(io.BytesIO):
        name = "huge.json"
        size = 10_000

        def read(self, *args):
            raise AssertionError("read an oversized file")

    with override_settings(HSDS_IMPORT_MAX_BYTES=1000):
        report = import_hsds(Upload(), by=operator)
        assert not report.ok
        assert "troppo grande" in report.errors[0].message
        path = write(tmp_path, "big.json", {"services": ["x" * 2000]})
        assert "troppo grande" in import_hsds(path, by=operator).errors[0].message


def test_not_hsds(tmp_path, operator):
    report = import_hsds(write(tmp_path, "x.json", b"not json"), by=operator)
    assert "JSON" in report.errors[0].message
    report = import_hsds(write(tmp_path, "y.json", {"hello": 1}), by=operator)
    assert "servizi" in report.errors[0].message


@pytest.mark.parametrize(
    "example",
    ["service_full.json", "service_list.json", "organization_full.json", "csv"],
)
def test_official_examples_are_refused_clearly(example, operator):
    """The official examples describe places in the USA and UK: every such place is named in
    the report, and so is their organisation (not in our networks, and with no place in
    Lombardy where the import could create it); nothing is written. Their foreign taxonomy
    term is no reason to refuse them (test_foreign_terms.py)."""
    before = Service.objects.count()
    report = import_hsds(SCHEMA_DIR / "examples" / example, by=operator)
    assert not report.ok
    assert Service.objects.count() == before
    messages = " ".join(str(e) for e in report.errors)
    assert "organizzazione" in messages.lower() or "Schema HSDS" in messages
    if example in {"service_full.json", "csv"}:
        assert "Comune della sede non riconosciuto" in messages


def test_the_import_draws_ids_never_given_before(catalogue, tmp_path, operator):
    """The importer draws its new rows' ids itself: above every id the catalogue ever gave
    (the highest was deleted), and the ids given after the import follow them."""
    data = exported_json()
    highest_service = Service.objects.order_by("-pk").first()
    highest_location = Location.objects.order_by("-pk").first()
    forget(catalogue)
    Service.objects.filter(pk=highest_service.pk).delete()
    Location.objects.filter(pk=highest_location.pk).delete()
    report = import_hsds(write(tmp_path, "ids.json", data), by=operator)
    assert report.ok, [str(e) for e in report.errors][:10]
    imported = Service.objects.filter(uuid=catalogue.camp.uuid).get()
    place = imported.at_locations.get().location
    assert imported.pk > highest_service.pk
    assert place.pk > highest_location.pk
    later = Location.objects.create(name="Sede nuova", comune=place.comune)
    assert later.pk > Location.objects.exclude(pk=later.pk).order_by("-pk").first().pk


def test_an_unknown_city_is_placed_by_its_known_cap(catalogue, tmp_path, operator):
    """A location whose city names no comune is placed in the comune where most of the
    catalogue's locations with its CAP are (as the HSDS API's `postcode` finds it)."""
    from equilibri.territory.models import Comune

    venegono = Comune.objects.get(name="Venegono Superiore")
    tradate = Comune.objects.get(istat_code="012127")
    # 21040: two locations in Venegono Superiore, then one in Tradate.
    for comune in (venegono, venegono, tradate):
        Location.objects.create(name="Sede", postal_code="21040", comune=comune)
    data = exported_json()
    forget(catalogue)
    camp = next(s for s in data["services"] if s["id"] == str(catalogue.camp.uuid))
    location = camp["service_at_locations"][0]["location"]
    location["attributes"] = []
    location["addresses"][0].update(city="Frazione Nessuna", postal_code="21040")
    report = import_hsds(write(tmp_path, "cap.json", data), by=operator)
    assert report.ok, [str(e) for e in report.errors][:10]
    imported = Location.objects.get(uuid=location["id"])
    assert imported.comune == venegono


def test_official_example_structure_is_read(operator, tmp_path):
    """Made Lombard (a known organisation, a comune, one of our categories), the official full
    service example imports."""
    from equilibri.catalogue.models import TaxonomyTerm
    from equilibri.network.models import Organisation

    data = json.loads((SCHEMA_DIR / "examples" / "service_full.json").read_text())
    org = Organisation.objects.get(name="L'Aquilone Coop. Soc.")
    org.vat_number = "01234567897"  # matched on the VAT number given as tax_id
    org.save()
    data["organization"]["tax_id"] = "01234567897"
    data["organization"].pop("organization_identifiers", None)
    for sal in data["service_at_locations"]:
        for address in sal["location"].get("addresses", []):
            address.update(city="Tradate", state_province="VA", postal_code="21049")
    term = TaxonomyTerm.objects.get(code="centri-estivi")
    for attribute in data["attributes"]:
        attribute["taxonomy_term_id"] = str(term.uuid)
        attribute.pop("taxonomy_term", None)
    for sal in data["service_at_locations"]:
        for x in sal.get("schedules", []):
            x["freq"] = "WEEKLY"
    data["schedules"] = [dict(x, freq="WEEKLY") for x in data.get("schedules", [])]
    for cost in data.get("cost_options", []):
        cost["currency"] = "EUR"
    report = import_hsds(write(tmp_path, "example.json", data), by=operator)
    assert report.ok, [str(e) for e in report.errors][:10]
    service = Service.objects.get(uuid=data["id"])
    assert service.organisation == org
    assert service.at_locations.get().location.comune.name == "Tradate"


def test_commands(catalogue, tmp_path, operator):
    json_path = tmp_path / "out.json"
    zip_path = tmp_path / "out.zip"
    call_command("hsds_export", str(json_path), verbosity=0)
    call_command("hsds_export", str(zip_path), "--format", "tabular", verbosity=0)
    assert json.loads(json_path.read_text())["services"]
    assert zipfile.is_zipfile(zip_path)
    out = io.StringIO()
    call_command("hsds_import", str(zip_path), "--by", operator.email, "--dry-run", stdout=out)
    assert "invariati" in out.getvalue()
    bad = copy.deepcopy(json.loads(json_path.read_text()))
    bad["services"][0]["status"] = "nope"
    bad_path = write(tmp_path, "bad.json", bad)
    with pytest.raises(CommandError):
        call_command("hsds_import", str(bad_path), "--by", operator.email, stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("hsds_import", str(bad_path), "--by", "nobody@example.org")


def test_an_ats_operator_imports_only_for_their_network(catalogue, tmp_path, user_of):
    data = exported_json()
    path = write(tmp_path, "c.json", data)
    forget(catalogue)
    report = import_hsds(path, by=user_of("operatore.insubria"))
    assert not report.ok
    refused = [e for e in report.errors if "rete della tua ATS" in e.message]
    assert refused
    assert str(catalogue.online.uuid) in {e.object_id for e in refused}  # Spazio Aperto, Milano
    assert str(catalogue.camp.uuid) not in {e.object_id for e in refused}
    report = import_hsds(path, by=user_of("cittadina"))
    assert "operatori di rete ATS" in report.errors[0].message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"services": [', "errore alla riga 1, colonna 15"),
        ("caffè".encode("latin-1"), "non è un JSON in UTF-8"),
        (b"PK\x03\x04 not really a zip", "Archivio zip non leggibile"),
    ],
)
def test_an_unreadable_file_is_reported_in_the_users_language(operator, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = import_hsds(SimpleUploadedFile("c.json", content), by=operator)
    assert not report.ok
    assert message in report.errors[0].message
    assert "Expecting" not in report.errors[0].message


def test_export_of_a_large_catalogue_in_batches(catalogue):
    """A batch of the export holds thousands of locations: SQLite refused the statement that
    prefetched them ("Expression tree is too large") above about a thousand."""
    from equilibri.catalogue.hsds.interchange import iter_full_services
    from equilibri.catalogue.models import ServiceAtLocation

    org_id = catalogue.camp.organisation_id
    comune_id = catalogue.camp.at_locations.first().location.comune_id
    services = Service.objects.bulk_create(
        Service(
            organisation_id=org_id,
            name=f"Servizio {i}",
            description="Un servizio",
            review_state=Service.Review.PUBLISHED,
            status=Service.Status.ACTIVE,
        )
        for i in range(900)
    )
    locations = Location.objects.bulk_create(
        Location(name=f"Sede {i}", address="Via Roma 1", comune_id=comune_id) for i in range(1800)
    )
    ServiceAtLocation.objects.bulk_create(
        ServiceAtLocation(service=s, location=locations[2 * i + k])
        for i, s in enumerate(services)
        for k in (0, 1)
    )
    ids = [s.pk for s in services]
    exported = list(iter_full_services(ids))
    assert len(exported) == 900
    assert all(len(item["service_at_locations"]) == 2 for item in exported)


def test_an_import_writes_with_a_larger_cache_and_gives_it_back(
    catalogue, tmp_path, operator, monkeypatch
):
    """SQLite: the import's writes have a page cache for a large catalogue's indexes; the
    connection has its own cache size again afterwards, also when the import is refused."""
    from django.db import connection

    from equilibri.catalogue.hsds.interchange import importer

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's page cache")

    def cache_size() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return cursor.fetchone()[0]

    seen = []
    original = importer._write

    def watched(*args, **kwargs):
        seen.append(cache_size())
        return original(*args, **kwargs)

    def failing(*args, **kwargs):
        raise ValueError("scrittura interrotta")

    path = write(tmp_path, "cache.json", exported_json())
    before = cache_size()
    monkeypatch.setattr(importer, "_write", watched)
    assert import_hsds(path, by=operator).ok
    assert seen == [-importer.IMPORT_CACHE_KIB]
    assert cache_size() == before
    monkeypatch.setattr(importer, "_write", failing)
    assert not import_hsds(path, by=operator).ok
    assert cache_size() == before
