"""What an HSDS import may touch: every object the file names that the catalogue already has
belongs to the importer's scope, or the file is refused at that object's row and nothing
changes; changes to published services go live only when the importer is an operator of the
ATS that moderates them, otherwise they wait as revisions, as a provider's edits do."""

import copy
import csv
import io
import json
import uuid
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest
from django.core import mail

from equilibri.catalogue import services as catalogue_services
from equilibri.catalogue.hsds import interchange
from equilibri.catalogue.hsds import serializers as ser
from equilibri.catalogue.hsds.interchange import (
    ImportScope,
    datapackage,
    export_json,
    flatten,
    import_hsds,
    importer,
)
from equilibri.catalogue.models import (
    Closure,
    Contact,
    CostOption,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceRevision,
    hsds_organisation_id,
)
from equilibri.network.models import Organisation
from equilibri.plans.models import Action, Project

pytestmark = pytest.mark.django_db

CATALOGUE = [
    Service,
    Location,
    ServiceAtLocation,
    Schedule,
    Closure,
    Phone,
    Contact,
    Language,
    CostOption,
    Service.terms.through,
    Service.eligible_comuni.through,
]


def snapshot(models=(*CATALOGUE, ServiceRevision)) -> dict[str, list[tuple]]:
    """Every row of the catalogue's tables."""
    return {m._meta.label: list(m.objects.order_by("pk").values_list()) for m in models}


def exported(*services: Service) -> dict[Service, dict]:
    out = io.StringIO()
    export_json(out)
    by_id = {s["id"]: s for s in json.loads(out.getvalue())["services"]}
    return {s: by_id[str(s.uuid)] for s in services}


def write(tmp_path: Path, services: list[dict], fmt: str = "json") -> Path:
    if fmt == "json":
        path = tmp_path / "catalogo.json"
        path.write_text(json.dumps({"services": services}), encoding="utf-8")
        return path
    columns = {
        r["path"]: [f["name"] for f in r["schema"]["fields"]] for r in datapackage()["resources"]
    }
    rows: dict[str, list[list[str]]] = defaultdict(list)
    for name, row in flatten(services, [], [], []):
        rows[name].append([cell(row.get(c)) for c in columns[name]])
    path = tmp_path / "catalogo.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, cols in columns.items():
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(cols)
            writer.writerows(rows[name])
            zf.writestr(name, text.getvalue())
    return path


def cell(value) -> str:
    if value is None or isinstance(value, list | dict):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def replaced(obj, old: str, new: str):
    """`obj` with every string `old` replaced by `new` (an id and every reference to it)."""
    if isinstance(obj, dict):
        return {k: replaced(v, old, new) for k, v in obj.items()}
    if isinstance(obj, list):
        return [replaced(v, old, new) for v in obj]
    return new if obj == old else obj


def objects(obj):
    """Every object (dict) in `obj`."""
    if isinstance(obj, dict):
        yield obj
        obj = list(obj.values())
    if isinstance(obj, list):
        for item in obj:
            yield from objects(item)


def org_id(organisation: Organisation) -> str:
    return str(hsds_organisation_id(organisation.pk))


def profile_term(code: str) -> str:
    return next(term_id for term_id, c in ser.PROFILE_TERM_BY_ID.items() if c == code)


def attribute(service: dict, code: str, value) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "link_id": service["id"],
        "link_type": "service",
        "link_entity": "service",
        "taxonomy_term_id": profile_term(code),
        "value": str(value),
    }


def ats_of(organisation: Organisation) -> int:
    return organisation.comune.ats_id


@pytest.fixture
def milano_service(catalogue) -> dict:
    """A new service of Spazio Aperto (ATS Milano) in Milano, shaped like the Tradate summer
    camp (every kind of object), with ids of its own, a closure, and the project and plan
    action it names from ATS Milano: ATS Milano's operator may import it."""
    camp, ironing = exported(catalogue.camp, catalogue.ironing).values()
    service = copy.deepcopy(camp)
    service.pop("organization")
    service["organization_id"] = org_id(catalogue.spazio)
    service["name"] = "Centro estivo Milano"
    closure = next(x for x in ironing["schedules"] if x.get("attributes"))
    service["schedules"].append(dict(copy.deepcopy(closure), service_id=camp["id"]))
    location = service["service_at_locations"][0]["location"]
    location["organization_id"] = org_id(catalogue.spazio)
    location["name"] = "Sede di Milano"
    location["addresses"][0].update(
        address_1="Via Tortona 1", city="Milano", state_province="MI", postal_code="20121"
    )
    for a in location["attributes"]:
        if a["value"] == "012127":
            a["value"] = "015146"
    milano = ats_of(catalogue.spazio)
    project = Project.objects.filter(plan__ats_id=milano).first()
    action = Action.objects.filter(project__plan__ats_id=milano).first()
    assert project and action
    service["attributes"] += [
        attribute(service, "eligible-project", project.pk),
        attribute(service, "funding-action", action.pk),
    ]
    # Fresh ids for the service and everything in it (not the organisation's, not the terms').
    terms = {a["taxonomy_term_id"] for a in objects(service) if "taxonomy_term_id" in a}
    ids = {
        o["id"]
        for o in objects(service)
        if "id" in o and o["id"] not in terms and o["id"] != org_id(catalogue.spazio)
    }
    for old in ids:
        service = replaced(service, old, str(uuid.uuid4()))
    for a in service["attributes"]:
        a.pop("taxonomy_term", None)
    return service


def at(service: dict, path: tuple) -> dict:
    for step in path:
        service = service[step]
    return service


def json_row(path: tuple) -> str:
    return "services[0]" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


# kind -> (where in the file, the CSV it is read from, the catalogue's object with that id)
ID_CASES = {
    "service": ((), "services.csv", lambda c: c.camp),
    "location": (
        ("service_at_locations", 0, "location"),
        "locations.csv",
        lambda c: c.tradate_location,
    ),
    "service_at_location": (
        ("service_at_locations", 0),
        "service_at_location.csv",
        lambda c: c.camp.at_locations.get(),
    ),
    "schedule": (
        ("service_at_locations", 0, "schedules", 0),
        "schedules.csv",
        lambda c: c.camp.schedules.first(),
    ),
    "closure": (("schedules", 0), "schedules.csv", lambda c: c.ironing.closures.get()),
    "phone": (("phones", 0), "phones.csv", lambda c: c.camp.phones.get()),
    "location_phone": (
        ("service_at_locations", 0, "location", "phones", 0),
        "phones.csv",
        lambda c: c.tradate_location.phones.get(),
    ),
    "contact": (("contacts", 0), "contacts.csv", lambda c: c.camp.contacts.get()),
    "language": (("languages", 0), "languages.csv", lambda c: c.camp.languages.first()),
    "cost_option": (("cost_options", 0), "cost_options.csv", lambda c: c.camp.cost_options.first()),
}


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_file_as_it_is_imports(milano_service, tmp_path, user_of, fmt):
    """The control of the cases below: they change one id of this file each."""
    report = import_hsds(
        write(tmp_path, [milano_service], fmt), by=user_of("operatore.milano"), dry_run=True
    )
    assert report.ok, [str(e) for e in report.errors]
    assert report.services.created == 1


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("kind", ID_CASES)
def test_an_id_of_another_ats_is_refused_at_its_row(
    catalogue, milano_service, tmp_path, user_of, kind, fmt
):
    """Each kind of object the import writes, given the id of an object of ATS Insubria by ATS
    Milano's operator: refused, the row named, nothing changed (never moved, renamed or
    linked)."""
    path, csv_name, victim = ID_CASES[kind]
    theirs = str(victim(catalogue).uuid)
    service = replaced(milano_service, at(milano_service, path)["id"], theirs)
    before = snapshot()
    report = import_hsds(write(tmp_path, [service], fmt), by=user_of("operatore.milano"))
    assert not report.ok
    assert not report.written
    issue = next(e for e in report.errors if e.object_id == theirs)
    assert issue.field == "id"
    assert "fuori dal tuo ambito" in issue.message
    if fmt == "json":
        assert (issue.file, issue.row) == ("catalogo.json", json_row(path))
    else:
        assert issue.file == csv_name
        assert issue.row.startswith("riga ")
    assert snapshot() == before


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize(
    "kind", ["organization", "location_organization", "eligible-project", "funding-action"]
)
def test_a_reference_to_another_ats_is_refused_at_its_row(
    catalogue, milano_service, tmp_path, user_of, kind, fmt
):
    """The organisation of the service or of its location, the project or plan action it names:
    of ATS Insubria, given by ATS Milano's operator."""
    service = copy.deepcopy(milano_service)
    insubria = ats_of(catalogue.aquilone)
    if kind == "organization":
        service = replaced(service, org_id(catalogue.spazio), org_id(catalogue.aquilone))
        where, field, csv_name = (), "organization_id", "services.csv"
        service["service_at_locations"][0]["location"].pop("organization_id")
    elif kind == "location_organization":
        where = ("service_at_locations", 0, "location")
        at(service, where)["organization_id"] = org_id(catalogue.aquilone)
        field, csv_name = "organization_id", "locations.csv"
    else:
        model = Project if kind == "eligible-project" else Action
        lookup = "plan__ats_id" if model is Project else "project__plan__ats_id"
        theirs = model.objects.filter(**{lookup: insubria}).first()
        i = next(
            i
            for i, a in enumerate(service["attributes"])
            if a["taxonomy_term_id"] == profile_term(kind)
        )
        service["attributes"][i]["value"] = str(theirs.pk)
        where, field, csv_name = ("attributes", i), "value", "attributes.csv"
    before = snapshot()
    report = import_hsds(write(tmp_path, [service], fmt), by=user_of("operatore.milano"))
    assert not report.ok
    issue = next(e for e in report.errors if e.field == field)
    if fmt == "json":
        assert issue.row == json_row(where)
    else:
        assert (issue.file, issue.row[:5]) == (csv_name, "riga ")
    assert snapshot() == before


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_another_ats_service_is_not_moved_renamed_or_relocated(catalogue, tmp_path, user_of, fmt):
    """The attack as found: ATS Insubria's published service, taken from the public export,
    renamed, given to an organisation of ATS Milano and its location rewritten, imported by
    ATS Milano's operator. Before, it moved to Milano renamed and public, and the location's
    new name and address showed on it."""
    (camp,) = exported(catalogue.camp).values()
    camp.pop("organization")
    camp["organization_id"] = org_id(catalogue.spazio)
    camp["name"] = "Rinominato da un'altra ATS"
    location = camp["service_at_locations"][0]["location"]
    location["name"] = "Sede riscritta"
    location.pop("organization_id")
    location["addresses"][0]["address_1"] = "Via Falsa 1"
    before = snapshot()
    report = import_hsds(write(tmp_path, [camp], fmt), by=user_of("operatore.milano"))
    assert not report.ok
    refused = {e.object_id: e for e in report.errors}
    assert str(catalogue.camp.uuid) in refused
    assert str(catalogue.tradate_location.uuid) in refused
    if fmt == "json":
        assert refused[str(catalogue.camp.uuid)].row == "services[0]"
        assert refused[str(catalogue.tradate_location.uuid)].row == json_row(
            ("service_at_locations", 0, "location")
        )
    assert snapshot() == before
    catalogue.camp.refresh_from_db()
    assert catalogue.camp.organisation == catalogue.aquilone
    assert catalogue.camp.name == "Zeta centro estivo HSDS Tradate"


def test_an_organisation_scope_keeps_out_the_other_organisations_of_its_ats(
    catalogue, milano_service, tmp_path, user_of, monkeypatch
):
    """An importer whose scope is one organisation (L'Aquilone) may not touch the services and
    locations of another organisation of the same ATS (L'Arca, Tradate); and, not moderating
    that ATS, its changes to its own published service wait for approval."""
    arca = Organisation.objects.get(name="L'Arca Coop. Soc.")
    assert ats_of(arca) == ats_of(catalogue.aquilone)
    place = Location.objects.create(
        organisation=arca, name="Sede L'Arca", comune=catalogue.tradate_location.comune
    )
    theirs = Service.objects.create(
        organisation=arca, name="Servizio de L'Arca", description="x", review_state="published"
    )
    theirs.terms.set(catalogue.camp.terms.all())
    ServiceAtLocation.objects.create(service=theirs, location=place)
    scope = ImportScope(
        organisations=frozenset({catalogue.aquilone.pk}),
        ats=frozenset({ats_of(catalogue.aquilone)}),
        live=frozenset(),
    )
    monkeypatch.setattr(importer, "import_scope", lambda by: scope)
    by = user_of("ente.aquilone")

    (camp,) = exported(catalogue.camp).values()
    arca_service = replaced(camp, camp["id"], str(theirs.uuid))
    arca_service["name"] = "Preso da L'Aquilone"
    before, catalogue_before = snapshot(), snapshot(CATALOGUE)
    report = import_hsds(write(tmp_path, [arca_service]), by=by)
    assert not report.ok
    assert [e.row for e in report.errors if e.object_id == str(theirs.uuid)] == ["services[0]"]

    own = replaced(milano_service, milano_service["organization_id"], org_id(catalogue.aquilone))
    own["attributes"] = [
        a for a in own["attributes"] if a["taxonomy_term_id"] not in ser.PROFILE_TERM_BY_ID
    ]
    location = own["service_at_locations"][0]["location"]
    own = replaced(own, location["id"], str(place.uuid))
    report = import_hsds(write(tmp_path, [own]), by=by)
    assert not report.ok
    issue = next(e for e in report.errors if e.object_id == str(place.uuid))
    assert issue.row == json_row(("service_at_locations", 0, "location"))
    assert snapshot() == before

    camp["name"] = "Centro estivo rinominato"
    report = import_hsds(write(tmp_path, [camp]), by=by)
    assert report.ok, [str(e) for e in report.errors]
    assert (report.services.updated, report.services.moderated) == (0, 1)
    assert snapshot(CATALOGUE) == catalogue_before
    assert ServiceRevision.objects.get(service=catalogue.camp).data["name"] == camp["name"]


def changed_camp(catalogue) -> dict:
    (camp,) = exported(catalogue.camp).values()
    camp["name"] = "Centro estivo rinnovato"
    camp["service_at_locations"][0]["location"]["addresses"][0]["address_1"] = "Via Roma 2"
    camp["contacts"][0]["phones"][0]["number"] = "0331 123456"
    return camp


def test_the_owning_ats_import_of_its_published_service_goes_live(catalogue, tmp_path, user_of):
    camp = changed_camp(catalogue)
    report = import_hsds(write(tmp_path, [camp]), by=user_of("operatore.insubria"))
    assert report.ok, [str(e) for e in report.errors]
    assert (report.services.updated, report.services.moderated) == (1, 0)
    assert (report.locations.updated, report.locations.moderated) == (1, 0)
    catalogue.camp.refresh_from_db()
    assert catalogue.camp.name == "Centro estivo rinnovato"
    assert catalogue.camp.review_state == Service.Review.PUBLISHED
    catalogue.tradate_location.refresh_from_db()
    assert catalogue.tradate_location.address == "Via Roma 2"
    assert not ServiceRevision.objects.filter(service=catalogue.camp).exists()


def test_another_importer_s_changes_to_a_published_service_wait_for_its_ats(
    catalogue, tmp_path, user_of, django_capture_on_commit_callbacks
):
    """A superuser is not the ATS that moderates the service: the change (its location's too)
    is a pending revision, the catalogue stays as it is, the ATS's operators are told; the same
    file again adds nothing; approved, it is public. A new location of the service is made
    then too (not left now at no service)."""
    catalogue_before = snapshot(CATALOGUE)
    camp = changed_camp(catalogue)
    second = copy.deepcopy(camp["service_at_locations"][0])
    second.pop("schedules")
    second["location"].pop("phones")
    for old in {o["id"] for o in objects(second)}:
        second = replaced(second, old, str(uuid.uuid4()))
    second["location"]["name"] = "Palestra comunale"
    camp["service_at_locations"].append(second)
    path = write(tmp_path, [camp])
    with django_capture_on_commit_callbacks(execute=True):
        report = import_hsds(path, by=user_of("admin"))
    assert report.ok, [str(e) for e in report.errors]
    assert (report.services.updated, report.services.moderated) == (0, 1)
    assert (report.locations.created, report.locations.updated) == (0, 0)
    assert report.locations.moderated == 2
    assert "attendono l'approvazione" in report.summary()
    assert snapshot(CATALOGUE) == catalogue_before
    revision = ServiceRevision.objects.get(service=catalogue.camp)
    assert revision.state == ServiceRevision.State.SUBMITTED
    assert revision.submitted_by == user_of("admin")
    assert revision.data["name"] == "Centro estivo rinnovato"
    assert revision.data["locations"][0]["address"] == "Via Roma 2"
    (message,) = mail.outbox
    assert user_of("operatore.insubria").email in message.to
    assert user_of("operatore.milano").email not in message.to

    again = import_hsds(path, by=user_of("admin"))
    assert again.ok
    assert again.services.moderated == 1
    assert ServiceRevision.objects.filter(service=catalogue.camp).count() == 1

    catalogue_services.revision_approve(revision=revision, by=user_of("operatore.insubria"))
    catalogue.camp.refresh_from_db()
    assert catalogue.camp.name == "Centro estivo rinnovato"
    catalogue.tradate_location.refresh_from_db()
    assert catalogue.tradate_location.address == "Via Roma 2"
    places = catalogue.camp.at_locations.values_list("location__name", flat=True)
    assert sorted(places) == ["Palestra comunale", "Scuola primaria Battisti"]


def test_a_draft_changes_in_place_for_any_importer(catalogue, tmp_path, user_of):
    """As a provider's edit: only what the public sees waits for moderation."""
    path = write(tmp_path, [changed_camp(catalogue)])
    catalogue.camp.review_state = Service.Review.DRAFT
    catalogue.camp.save()
    report = import_hsds(path, by=user_of("admin"))
    assert report.ok, [str(e) for e in report.errors]
    assert (report.services.updated, report.services.moderated) == (1, 0)
    catalogue.camp.refresh_from_db()
    assert catalogue.camp.name == "Centro estivo rinnovato"
    assert catalogue.camp.review_state == Service.Review.DRAFT


def test_a_service_is_not_moved_to_another_organisation_of_the_ats(catalogue, tmp_path, user_of):
    arca = Organisation.objects.get(name="L'Arca Coop. Soc.")
    (camp,) = exported(catalogue.camp).values()
    camp.pop("organization")
    camp["organization_id"] = org_id(arca)
    before = snapshot()
    report = import_hsds(write(tmp_path, [camp]), by=user_of("operatore.insubria"))
    assert not report.ok
    (issue,) = report.errors
    assert (issue.row, issue.object_id) == ("services[0]", str(catalogue.camp.uuid))
    assert "non lo sposta" in issue.message
    assert snapshot() == before


def test_a_listing_kept_by_another_section_is_not_changed_by_an_import(tmp_path, user_of):
    """A help desk's catalogue entry is kept by the help desks: unchanged it may come back in a
    file, changed it is refused."""
    operator = user_of("operatore.insubria")
    listing = Service.objects.filter(
        listed_object__startswith="desks:",
        organisation__in=interchange.allowed_organisations(operator),
    ).first()
    (data,) = exported(listing).values()
    assert import_hsds(write(tmp_path, [data]), by=operator).ok
    data["name"] = "Sportello rinominato"
    before = snapshot()
    report = import_hsds(write(tmp_path, [data]), by=operator)
    assert not report.ok
    assert "gestito automaticamente" in report.errors[0].message
    assert snapshot() == before
