"""The import plan of where services are given: the organisation of each service, its
locations (each in a Lombard comune, or online), their phones, and the opening hours and
closures of the service and its locations.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from equilibri.core import identifiers
from equilibri.network.models import Organisation
from equilibri.territory.models import ATS, Comune

from ...interchange_models import ExternalProvider
from ...models import Location, Phone, hsds_organisation_id
from ...selectors import postcode_comuni
from .. import serializers as ser
from .checks import FieldChecks, _fold, _join, _path_field, _plain, _validator
from .plans import Hex, LocationPlan, _hex
from .report import ImportReport

BYDAY = {code: i for i, code in enumerate(ser.BYDAY)}
PHONE_KINDS = frozenset(Phone.Kind.values)


def _tax_code(code: str) -> str:
    """A tax id as the network stores it ("IT 800 123" is 800123), "" for none."""
    return identifiers.normalise_tax_code(code) if code.strip() else ""


@dataclass
class NewProvider:
    """An organisation the import creates (see `PlacePlanner.new_provider`)."""

    placeholder: int
    key: str  # its HSDS id, as the file gives it
    source: dict[str, Any]  # its HSDS object, as given
    comune_id: int | None = None


class PlacePlanner(FieldChecks):
    """The plans of organisations, locations, phones and schedules (`Planner` adds services)."""

    def __init__(
        self,
        report: ImportReport,
        allowed_orgs: Iterable[int] | None = None,
        allowed_ats: Iterable[int] | None = None,
    ):
        """`allowed_orgs`: the organisations whose services (and locations) may be imported
        (None: any)."""
        super().__init__(report, allowed_ats)
        self.allowed_orgs = None if allowed_orgs is None else frozenset(allowed_orgs)
        self.org_validator = _validator("organization_list.json")
        comuni = list(
            Comune.objects.only("pk", "istat_code", "name_folded", "province", "lat", "lon", "ats")
        )
        self.comuni_by_istat = {c.istat_code: c for c in comuni}
        self.comuni_by_name: dict[str, list[Comune]] = defaultdict(list)
        for c in comuni:
            self.comuni_by_name[c.name_folded].append(c)
        # One row per CAP and comune (a large catalogue has a million locations and a few
        # thousand CAPs); the first of each CAP is its comune.
        self.comuni_by_postcode: dict[str, int] = {}
        for postcode, comune_id, _count in postcode_comuni():
            self.comuni_by_postcode.setdefault(postcode, comune_id)
        self.comune_by_pk = {c.pk: c for c in comuni}
        orgs = list(Organisation.objects.values_list("pk", "fiscal_code", "vat_number", "name"))
        self.org_by_uuid = {str(hsds_organisation_id(pk)): pk for pk, _cf, _iva, _n in orgs}
        # Providers an earlier import created answer to their publisher's id.
        for pk, hsds_id in ExternalProvider.objects.values_list("organisation_id", "hsds_id"):
            self.org_by_uuid[str(hsds_id)] = pk
        self.org_names = {pk: name for pk, _cf, _iva, name in orgs}
        self.org_by_tax: dict[str, int] = {}
        for pk, cf, iva, _name in orgs:
            for code in (cf, iva):
                if code:
                    self.org_by_tax[_tax_code(code)] = pk
        self.org_cache: dict[str, tuple[int | None, str]] = {}
        # Organisations of the file the network does not have, created by the import as
        # providers: by their id, under a placeholder pk (negative) until written.
        self.new_orgs: dict[str, NewProvider] = {}
        # Locations with a problem (reported at the first service that names them).
        self.bad_locations: set[Hex] = set()
        self.locations: dict[Hex, LocationPlan] = {}
        self.bundle_orgs: dict[str, dict] = {}

    # -- organisations --

    def organisation(self, org_id: Any, embedded: dict | None, owner: dict) -> int | None:
        key = str(org_id or (embedded or {}).get("id") or "")
        if not key:
            self.err(owner, "organization_id", _("Manca l'organizzazione che eroga il servizio."))
            return None
        if key in self.org_cache:
            pk, message = self.org_cache[key]
            if pk is None:
                self.err(owner, "organization_id", message)
            return pk
        pk = self.org_by_uuid.get(key)
        org = embedded
        if pk is None and org is not None:
            for error in self.org_validator.iter_errors(_plain(org)):
                self.err(
                    org, _path_field(error), _("Schema HSDS: %(error)s") % {"error": error.message}
                )
            codes = [str(org.get("tax_id") or "")]
            codes += [
                str(i.get("identifier") or "") for i in org.get("organization_identifiers") or []
            ]
            for code in codes:
                pk = self.org_by_tax.get(_tax_code(code))
                if pk:
                    break
        refusal = ""
        if pk is not None and self.allowed_orgs is not None and pk not in self.allowed_orgs:
            refusal = _(
                "L'organizzazione %(id)s non è nella rete della tua ATS: non puoi importarne i "
                "servizi."
            ) % {"id": key}
        elif pk is None and org is None:
            refusal = _(
                "Organizzazione %(id)s non trovata nella rete e assente dal file: includi il "
                "suo oggetto (organizations) o indica il suo codice fiscale / partita IVA in "
                "tax_id."
            ) % {"id": key}
        elif pk is None and org is not None:
            pk, refusal = self.new_provider(key, org)
        if refusal:
            # Remembered with its message: every other service of the organisation is refused
            # with the same one.
            self.err(owner, "organization_id", refusal)
            pk = None
        self.org_cache[key] = (pk, refusal)
        return pk

    def new_provider(self, key: str, org: dict) -> tuple[int | None, str]:
        """A placeholder pk for an organisation of the file the network does not have: the
        import creates it (`NewProvider`), keeping its id for the export."""
        try:
            uuid.UUID(key)
        except ValueError:
            return None, _("L'id dell'organizzazione '%(id)s' non è un UUID.") % {"id": key}
        name = str(org.get("name") or "").strip()
        if not name:
            return None, _("Manca il nome dell'organizzazione %(id)s.") % {"id": key}
        placeholder = -len(self.new_orgs) - 1
        # Its services are kept in theirs, not twice.
        source = {k: v for k, v in _plain(org).items() if k != "services"}
        self.new_orgs[key] = NewProvider(placeholder, key, source)
        self.org_names[placeholder] = name
        return placeholder, ""

    def bundle_providers(self) -> None:
        """The organisations of the file no service names (e.g. organizations.json alone): the
        new ones are created too; those the network has are left as they are."""
        for key, org in self.bundle_orgs.items():
            if key in self.org_cache or key in self.org_by_uuid:
                continue
            codes = [str(org.get("tax_id") or "")]
            codes += [
                str(i.get("identifier") or "") for i in org.get("organization_identifiers") or []
            ]
            if any(_tax_code(code) in self.org_by_tax for code in codes):
                continue
            self.root = org
            self.organisation(key, org, org)

    def provider_comuni(self, plans: Iterable[Any]) -> None:
        """The comune of each new provider: of its own locations, else of its first service's
        locations, else the seat of the importer's ATS; always one of the importer's ATS."""
        if not self.new_orgs:
            return
        by_placeholder = {n.placeholder: n for n in self.new_orgs.values()}
        for plan in plans:
            new = by_placeholder.get(plan.fields["organisation_id"])
            if new is None or new.comune_id is not None:
                continue
            for _u, lid, _d in plan.sals:
                location = self.locations.get(lid)
                if location is not None and location.fields["comune_id"]:
                    new.comune_id = location.fields["comune_id"]
                    break
        seat = self.seat_comune()
        for new in self.new_orgs.values():
            if new.comune_id is None:
                for loc in new.source.get("locations") or []:
                    comune = self.comune(loc)
                    if comune is not None:
                        new.comune_id = comune.pk
                        break
            if (
                new.comune_id is not None
                and self.allowed_ats is not None
                and self.comune_by_pk[new.comune_id].ats_id not in self.allowed_ats
            ):
                new.comune_id = None
            new.comune_id = new.comune_id or seat
            if new.comune_id is None:
                self.report.error(
                    f"{self.report.source}|",
                    "organization",
                    _(
                        "L'organizzazione '%(name)s' non è nella rete e non ha sedi in un comune "
                        "lombardo: indica una sua sede (locations) o importa come operatore "
                        "della sua ATS."
                    )
                    % {"name": new.source.get("name")},
                    new.key,
                )

    def seat_comune(self) -> int | None:
        """The comune of the importer's ATS seat (only when they import for one ATS)."""
        if self.allowed_ats is None or len(self.allowed_ats) != 1:
            return None
        (ats_id,) = self.allowed_ats
        ats = ATS.objects.filter(pk=ats_id).first()
        if ats is None:
            return None
        in_ats = [c for c in self.comune_by_pk.values() if c.ats_id == ats_id]
        seat = [c for c in in_ats if c.name_folded == _fold(ats.seat_city)]
        chosen = seat or sorted(in_ats, key=lambda c: c.istat_code)
        return chosen[0].pk if chosen else None

    # -- locations --

    def comune(self, loc: dict) -> Comune | None:
        for attr in loc.get("attributes") or []:
            if self.attribute_code(attr) == "istat-comune":
                code = str(attr.get("value") or "").zfill(6)
                comune = self.comuni_by_istat.get(code)
                if comune is None:
                    self.err(
                        attr, "value", _("Codice ISTAT %(code)s sconosciuto.") % {"code": code}
                    )
                return comune
        for address in loc.get("addresses") or []:
            candidates = self.comuni_by_name.get(_fold(str(address.get("city") or "")), [])
            province = str(address.get("state_province") or "").upper()
            if len(candidates) > 1 and province:
                candidates = [c for c in candidates if c.province == province]
            if len(candidates) == 1:
                return candidates[0]
            postcode = identifiers.normalise_postcode(address.get("postal_code"))
            if postcode in self.comuni_by_postcode:
                return self.comune_by_pk[self.comuni_by_postcode[postcode]]
        return None

    def location(self, loc: dict) -> Hex | None:
        try:
            lid = _hex(loc.get("id"))
        except ValueError:
            self.err(loc, "id", _("L'id '%(id)s' non è un UUID.") % {"id": loc.get("id")})
            return None
        if lid in self.locations:
            return lid
        errors_before = len(self.report.errors)
        kind = str(loc.get("location_type") or "physical")
        comune = None
        if kind == "postal":
            kind = "physical"
        url = self.checked_url(loc, "url", Location, "url")
        if kind == "physical":
            comune = self.comune(loc)
            if comune is None:
                cities = ", ".join(
                    f"{a.get('city', '')} {a.get('postal_code', '')}".strip()
                    for a in loc.get("addresses") or []
                )
                self.err(
                    loc,
                    "addresses",
                    _(
                        "Comune della sede non riconosciuto (%(where)s): serve un comune "
                        "lombardo (città e provincia, CAP noto o attributo istat-comune), "
                        "oppure location_type 'virtual' con url."
                    )
                    % {"where": cities or _("nessun indirizzo")},
                )
        elif not url:
            self.err(loc, "url", _("Una sede online (virtual) deve avere un indirizzo web."))
        address: dict = next(iter(loc.get("addresses") or []), {})
        loc_org = None
        if loc.get("organization_id"):
            loc_org = self.org_by_uuid.get(str(loc["organization_id"]))
            if loc_org is None and str(loc["organization_id"]) in self.new_orgs:
                loc_org = self.new_orgs[str(loc["organization_id"])].placeholder
            allowed = self.allowed_orgs
            # A placeholder (negative) is a provider this import creates: in scope.
            if (
                loc_org is not None
                and loc_org > 0
                and allowed is not None
                and loc_org not in allowed
            ):
                self.err(
                    loc,
                    "organization_id",
                    _(
                        "La sede è dell'organizzazione %(id)s, che non è nella rete della tua "
                        "ATS: non puoi importarla."
                    )
                    % {"id": loc["organization_id"]},
                )
        latitude, longitude = loc.get("latitude"), loc.get("longitude")
        if (latitude is None or longitude is None) and comune is not None:
            latitude, longitude = float(comune.lat), float(comune.lon)
        accessibility = "\n".join(
            str(a.get("description") or a.get("details") or "")
            for a in loc.get("accessibility") or []
        ).strip()
        wheelchair = any(
            self.attribute_code(a) == "wheelchair-accessible"
            and str(a.get("value")).lower() == "true"
            for a in loc.get("attributes") or []
        )
        name = self.text(loc, "name", Location, "name") or (
            comune.name if comune else str(address.get("address_1") or "Sede")
        )
        fields = {
            "organisation_id": loc_org,
            "kind": kind,
            "name": name[:200],
            "description": str(loc.get("description") or ""),
            "url": url,
            "address": _join(address.get("address_1"), address.get("address_2"))[:200],
            "postal_code": (
                identifiers.normalise_postcode(address.get("postal_code"))[:5] if comune else ""
            ),
            "comune_id": comune.pk if comune else None,
            "latitude": float(latitude) if latitude is not None else None,
            "longitude": float(longitude) if longitude is not None else None,
            "transportation": str(loc.get("transportation") or ""),
            "accessibility": accessibility,
            "wheelchair_accessible": wheelchair,
        }
        owner, self.owner = self.owner, str(lid)
        phones = tuple(x for x in (self.phone(p) for p in loc.get("phones") or []) if x[0])
        self.owner = owner
        self.locations[lid] = LocationPlan(lid, fields, phones)
        if len(self.report.errors) > errors_before:
            self.bad_locations.add(lid)
        return lid

    def phone(self, p: dict) -> tuple:
        pid = self.uuid_of(p, "phone")
        # In canonical form when it is a number; HSDS allows any text (the official example
        # has quotes around it), so what is not a number is kept as written, not refused.
        number = identifiers.normalise_phone(self.text(p, "number", Phone, "number"))
        if not number:
            self.err(p, "number", _("Manca il numero di telefono."))
        kind = str(p.get("type") or "voice")
        if kind not in PHONE_KINDS:
            kind = "voice"
        ext = p.get("extension")
        extension = str(int(ext)) if isinstance(ext, int | float) else str(ext or "")
        return (pid, number, extension[:10], kind, str(p.get("description") or "")[:200])

    # -- schedules --

    def schedules(self, items: list, location_uuid, out_s: list, out_c: list) -> None:
        for x in items or []:
            is_closure = any(
                self.attribute_code(a) == "closure" for a in x.get("attributes") or []
            ) or (not x.get("freq") and not x.get("opens_at") and x.get("valid_from"))
            xid = self.uuid_of(x, "schedule")
            if xid is None:
                continue
            loc = location_uuid
            if loc is None and x.get("location_id"):
                try:
                    loc = _hex(x["location_id"])
                except ValueError:
                    self.err(x, "location_id", _("location_id non è un UUID."))
            if is_closure:
                start, end = self.date_of(x, "valid_from"), self.date_of(x, "valid_to")
                if start is None:
                    self.err(x, "valid_from", _("Una chiusura deve avere la data di inizio."))
                    continue
                end = end or start
                if end < start:
                    self.err(x, "valid_to", _("La fine della chiusura precede l'inizio."))
                out_c.append((xid, loc, start, end, str(x.get("notes") or "")[:200]))
                continue
            days = [d.strip().upper() for d in str(x.get("byday") or "").split(",") if d.strip()]
            if str(x.get("freq") or "WEEKLY").upper() != "WEEKLY" or not days:
                # Not a weekly slot (a monthly one, a dtstart with a count ...): our rows hold
                # weekly hours only; the service's HSDS object keeps it as given.
                continue
            if any(d[-2:] not in BYDAY for d in days):
                self.err(
                    x, "byday", _("Indica i giorni della settimana (MO, TU, WE, TH, FR, SA, SU).")
                )
                continue
            opens, closes = self.time_of(x, "opens_at"), self.time_of(x, "closes_at")
            if opens is None or closes is None:
                continue
            if opens == closes:
                # A 24-hour slot (or an empty one): kept as given in the HSDS object only.
                continue
            # opens_at after closes_at is an overnight slot (20:00 to 08:00): HSDS allows it.
            valid_from, valid_to = self.date_of(x, "valid_from"), self.date_of(x, "valid_to")
            if valid_from and valid_to and valid_from > valid_to:
                self.err(x, "valid_to", _("La fine della validità precede l'inizio."))
            notes = str(x.get("notes") or "")[:200]
            for i, day in enumerate(days):
                sid = xid if i == 0 else uuid.uuid5(uuid.UUID(hex=xid), day).hex
                out_s.append(
                    (sid, loc, BYDAY[day[-2:]], opens, closes, valid_from, valid_to, notes)
                )
