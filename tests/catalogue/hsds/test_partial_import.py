""" "Import what is valid": an option (form checkbox, command flag, `import_hsds(partial=True)`)
that writes the valid records and reports each one left out with its reason and where it is;
the default stays all or nothing. Nothing is written twice when the file comes again."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from equilibri.catalogue.hsds.interchange import export_json, import_hsds
from equilibri.catalogue.models import Location, Service

from .test_views import upload

pytestmark = pytest.mark.django_db


def exported(catalogue) -> list[dict]:
    """The camp and the ironing service of the test catalogue, as exported, then deleted."""
    out = io.StringIO()
    export_json(out)
    data = json.loads(out.getvalue())
    wanted = {str(catalogue.camp.uuid), str(catalogue.ironing.uuid)}
    services = [s for s in data["services"] if s["id"] in wanted]
    Service.objects.filter(uuid__in=wanted).delete()
    return sorted(services, key=lambda s: s["name"])


def spoilt(services: list[dict]) -> tuple[list[dict], dict, dict]:
    """The file with the second service's location in a city that is in no Lombard comune."""
    good, bad = services
    sal = bad["service_at_locations"][0]
    location = sal["location"]
    location["id"] = sal["location_id"] = "5b0c2d7e-9f14-4a3b-8c6d-2e1f0a9b8c7d"  # a new one
    location["attributes"] = []
    location["addresses"][0].update(city="Springfield", postal_code="99999")
    return services, good, bad


def write(tmp_path, services, name="services.json"):
    path = tmp_path / name
    path.write_text(json.dumps(services), encoding="utf-8")
    return path


def test_by_default_one_bad_record_refuses_the_file(catalogue, tmp_path, user_of):
    services, good, _bad = spoilt(exported(catalogue))

    report = import_hsds(write(tmp_path, services), by=user_of("admin"))

    assert not report.ok and not report.written
    assert not Service.objects.filter(uuid=good["id"]).exists()


def test_the_valid_records_are_imported_and_the_rest_reported(catalogue, tmp_path, user_of):
    services, good, bad = spoilt(exported(catalogue))
    path = write(tmp_path, services)

    report = import_hsds(path, by=user_of("admin"), partial=True)

    assert report.ok and report.written, [str(e) for e in report.errors]
    assert report.services.created == 1
    assert Service.objects.filter(uuid=good["id"]).exists()
    assert not Service.objects.filter(uuid=bad["id"]).exists()
    bad_location = bad["service_at_locations"][0]["location"]["id"]
    assert not Location.objects.filter(uuid=bad_location).exists()
    (issue,) = [i for i in report.refused if "Comune della sede" in i.message]
    assert issue.file == "services.json" and issue.field == "addresses"
    assert "service_at_locations[0].location" in issue.row  # the pointer to the object
    assert issue.object_id == bad_location
    assert report.as_dict()["refused"] and "Importati solo i record validi" in report.summary()

    # Again: nothing written twice, the same record reported.
    again = import_hsds(path, by=user_of("admin"), partial=True)
    assert again.ok and again.services.unchanged == 1 and again.services.created == 0
    assert Service.objects.filter(uuid=good["id"]).count() == 1
    assert [i.message for i in again.refused] == [i.message for i in report.refused]


def test_a_service_at_a_location_with_a_problem_is_left_out_too(catalogue, tmp_path, user_of):
    services, good, bad = spoilt(exported(catalogue))
    # The valid service also names the bad location (after its own).
    good["service_at_locations"].append(
        {**bad["service_at_locations"][0], "id": "7d1f8a52-3b2c-4f0e-9a61-0c5b2d1e4f77"}
    )

    report = import_hsds(write(tmp_path, services), by=user_of("admin"), partial=True)

    assert not report.ok and not report.written
    assert not Service.objects.filter(uuid__in=[good["id"], bad["id"]]).exists()
    assert any("sede con errori" in i.message for i in report.errors)


def test_nothing_valid_is_refused_whole(catalogue, tmp_path, user_of):
    _services, _good, bad = spoilt(exported(catalogue))

    report = import_hsds(write(tmp_path, [bad]), by=user_of("admin"), partial=True)

    assert not report.ok and not report.written and report.errors


def test_out_of_scope_records_are_left_out(catalogue, tmp_path, user_of):
    """Operatore Milano may not import L'Aquilone's (Insubria) services: with the option, the
    file's Milano service still goes in."""
    out = io.StringIO()
    export_json(out)
    wanted = {str(catalogue.camp.uuid), str(catalogue.online.uuid)}
    services = [s for s in json.loads(out.getvalue())["services"] if s["id"] in wanted]
    Service.objects.filter(uuid__in=wanted).delete()
    path = write(tmp_path, services)

    assert not import_hsds(path, by=user_of("operatore.milano")).ok
    report = import_hsds(path, by=user_of("operatore.milano"), partial=True)

    assert report.ok and report.written
    assert Service.objects.filter(uuid=catalogue.online.uuid).exists()
    assert not Service.objects.filter(uuid=catalogue.camp.uuid).exists()
    assert any("rete della tua ATS" in i.message for i in report.refused)


def test_the_command_flag(catalogue, tmp_path, user_of):
    services, good, _bad = spoilt(exported(catalogue))
    path = write(tmp_path, services)
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError):
        call_command("hsds_import", str(path), by=user_of("admin").email, stdout=out, stderr=err)
    assert not Service.objects.filter(uuid=good["id"]).exists()
    call_command(
        "hsds_import", str(path), "--partial", by=user_of("admin").email, stdout=out, stderr=err
    )
    assert Service.objects.filter(uuid=good["id"]).exists()
    assert "non importato" in err.getvalue()


def test_the_form_checkbox(catalogue, login):
    services, good, _bad = spoilt(exported(catalogue))
    client = login("operatore.insubria")
    content = json.dumps(services).encode()

    assert "Importazione rifiutata" in upload(client, "c.json", content)
    page = upload(client, "c.json", content, partial=True)

    assert "Record non importati" in page and "Comune della sede" in page
    assert Service.objects.filter(uuid=good["id"]).exists()
