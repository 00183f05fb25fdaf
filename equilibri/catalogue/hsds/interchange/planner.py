"""The import plan of services: `Planner` turns a `Bundle` into a `ServicePlan` per service,
checking it against the official schema and our rules, every problem recorded in the report.
"""

import uuid
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from equilibri.core import identifiers

from ...interchange_models import ForeignTerm
from ...models import Contact, CostOption, Language, Service, TaxonomyTerm
from ..lossless import age
from .checks import _join, _path_field, _plain, _term_id, _validator, _walk
from .places import PlacePlanner
from .plans import Hex, ServicePlan, _dashed, _hex
from .read import SRC, Bundle
from .report import ImportReport

COST_OPTIONS = frozenset(CostOption.Option.values)


class Planner(PlacePlanner):
    """Turns a Bundle into plans, recording every problem in the report."""

    def __init__(
        self,
        report: ImportReport,
        allowed_orgs: Iterable[int] | None = None,
        allowed_ats: Iterable[int] | None = None,
    ):
        """`allowed_orgs`: the organisations whose services (and locations) may be imported,
        `allowed_ats`: the ATS whose projects and plan actions they may name (None: any)."""
        super().__init__(report, allowed_orgs, allowed_ats)
        self.service_validator = _validator("service.json")
        self.terms_by_uuid = {str(t.uuid): t for t in TaxonomyTerm.objects.all()}
        self.terms_by_code = {t.code: t for t in self.terms_by_uuid.values()}
        from equilibri.plans.models import Action, Project

        # By ATS: a service names only those of the importer's ATS (others are "unknown").
        self.project_ats = dict(Project.objects.values_list("pk", "plan__ats_id"))
        self.action_ats = dict(Action.objects.values_list("pk", "project__plan__ats_id"))
        self.bundle_terms: dict[str, dict] = {}
        # Terms of other taxonomies: those known (Hex id -> the category mapped, or None),
        # and those the file names, with their details.
        self.foreign_mapped = {
            u.hex: term for u, term in ForeignTerm.objects.values_list("uuid", "term_id")
        }
        self.foreign_terms: dict[Hex, dict[str, str]] = {}
        self.services: list[dict] = []
        self.as_given = True

    # -- services --

    def service(self, s: dict) -> ServicePlan | None:
        errors_before = len(self.report.errors)
        self.root = s
        for error in self.service_validator.iter_errors(s):
            target = _walk(s, list(error.instance_path))
            self.report.error(
                self.src(target),
                _path_field(error),
                _("Schema HSDS: %(error)s") % {"error": error.message},
                str(target.get("id", "")),
            )
        if len(self.report.errors) > errors_before:
            return None
        self.owner = str(s.get("id"))
        sid = self.uuid_of(s, "service")
        name = self.text(s, "name", Service, "name")
        if not name:
            self.err(s, "name", _("Manca il nome del servizio."))
        org = s.get("organization") if isinstance(s.get("organization"), dict) else None
        org_id = s.get("organization_id") or (org or {}).get("id")
        # The organisation object may be in the bundle (our export, tabular) or embedded.
        org_pk = self.organisation(org_id, self.bundle_orgs.get(str(org_id), org), s)
        fields: dict[str, Any] = {
            "organisation_id": org_pk,
            "name": name,
            "alternate_name": self.text(s, "alternate_name", Service, "alternate_name"),
            "description": str(s.get("description") or ""),
            "status": str(s.get("status")),
            "url": self.checked_url(s, "url", Service, "url"),
            "email": self.checked_email(s, "email", Service),
            "application_process": str(s.get("application_process") or ""),
            "fees_description": str(s.get("fees_description") or s.get("fees") or ""),
            "eligibility_description": str(s.get("eligibility_description") or ""),
            "minimum_age": age(s.get("minimum_age")),
            "maximum_age": age(s.get("maximum_age")),
            "wait_time": self.text(s, "wait_time", Service, "wait_time"),
            "eligible_project_id": None,
            "funding_action_id": None,
            "hsds_source": _plain(s) if self.as_given else None,
        }
        if (
            fields["minimum_age"] is not None
            and fields["maximum_age"] is not None
            and fields["minimum_age"] > fields["maximum_age"]
        ):
            self.err(s, "maximum_age", _("L'età massima non può essere minore dell'età minima."))
        terms, comuni, foreign = self.attributes(s, fields)
        sals, schedules, closures = self.places(s, sid)
        costs = self.cost_options(s)
        contacts = self.contacts(s)
        languages = self.languages(s)
        phones = [self.phone(p) for p in s.get("phones") or []]
        if len(self.report.errors) > errors_before or sid is None:
            return None

        def known(rows: Iterable[tuple]) -> tuple:
            return tuple(row for row in rows if row[0] is not None)

        return ServicePlan(
            sid,
            fields,
            frozenset(terms),
            frozenset(comuni),
            known(sals),
            known(schedules),
            known(closures),
            known(phones),
            known(contacts),
            known(languages),
            known(costs),
            foreign=frozenset(foreign),
        )

    def attributes(self, s: dict, fields: dict[str, Any]) -> tuple[set[int], set[int], set[Hex]]:
        """The service's categories, eligible comuni and terms of other taxonomies, from its
        attributes; the project and the plan action it names go into `fields`. A term of
        another taxonomy is kept (`ForeignTerm`), and counts as the category an ATS operator
        mapped it to; a service with none of our categories is imported "to classify"."""
        terms: set[int] = set()
        comuni: set[int] = set()
        foreign: set[Hex] = set()
        for attr in s.get("attributes") or []:
            code = self.attribute_code(attr)
            value = str(attr.get("value") or "")
            if code == "eligible-comune":
                comune = self.comuni_by_istat.get(value.zfill(6))
                if comune is None:
                    self.err(
                        attr, "value", _("Codice ISTAT %(code)s sconosciuto.") % {"code": value}
                    )
                else:
                    comuni.add(comune.pk)
            elif code == "eligible-project":
                if (pk := self.reachable(self.project_ats, value)) is not None:
                    fields["eligible_project_id"] = pk
                else:
                    self.err(attr, "value", _("Progetto %(id)s sconosciuto.") % {"id": value})
            elif code == "funding-action":
                if (pk := self.reachable(self.action_ats, value)) is not None:
                    fields["funding_action_id"] = pk
                else:
                    self.err(attr, "value", _("Azione %(id)s sconosciuta.") % {"id": value})
            elif code is not None:
                continue
            elif _term_id(attr):
                term = self.term(attr)
                if term is not None:
                    terms.add(term.pk)
                elif (fid := self.foreign_term(attr)) is not None:
                    foreign.add(fid)
                    if (mapped := self.foreign_mapped.get(fid)) is not None:
                        terms.add(mapped)
        return terms, comuni, foreign

    def foreign_term(self, attr: dict) -> Hex | None:
        """The id of a term of another taxonomy, its details (from the attribute's embedded
        term or the file's taxonomy_terms) kept for `ForeignTerm`."""
        term_id = _term_id(attr)
        try:
            fid = _hex(term_id)
        except ValueError:
            self.err(
                attr,
                "taxonomy_term_id",
                _("L'id del termine '%(id)s' non è un UUID.") % {"id": term_id},
            )
            return None
        if fid not in self.foreign_terms:
            embedded = attr.get("taxonomy_term")
            if not isinstance(embedded, dict):
                embedded = self.bundle_terms.get(term_id) or {}
            detail = embedded.get("taxonomy_detail")
            detail = detail if isinstance(detail, dict) else {}
            self.foreign_terms[fid] = {
                "taxonomy_id": str(embedded.get("taxonomy_id") or detail.get("id") or "")[:100],
                "taxonomy_name": str(detail.get("name") or embedded.get("taxonomy") or "")[:200],
                "code": str(embedded.get("code") or "")[:100],
                "name": str(embedded.get("name") or attr.get("value") or "")[:300],
                "description": str(embedded.get("description") or ""),
            }
        return fid

    def places(self, s: dict, sid: Hex | None) -> tuple[list[tuple], list, list]:
        """The service's locations (service_at_locations), and its opening hours and closures,
        its own and its locations'."""
        sals: list[tuple] = []
        schedules: list = []
        closures: list = []
        self.schedules(s.get("schedules") or [], None, schedules, closures)
        for sal in s.get("service_at_locations") or []:
            sal_id = self.uuid_of(sal, "service_at_location")
            loc = sal.get("location")
            if not isinstance(loc, dict):
                self.err(sal, "location", _("Manca la sede (location)."))
                continue
            lid = self.location(loc)
            if sal_id is None or lid is None:
                continue
            if any(lid == other for _u, other, _d in sals):
                self.err(
                    sal,
                    "location_id",
                    _("La sede %(id)s compare due volte per il servizio.") % {"id": _dashed(lid)},
                )
                continue
            sals.append((sal_id, lid, str(sal.get("description") or "")))
            self.schedules(sal.get("schedules") or [], lid, schedules, closures)
        known_locations = {lid for _sal, lid, _d in sals}
        for row in schedules + closures:
            if row[1] is not None and row[1] not in known_locations:
                self.report.error(
                    str(s.get(SRC, "|")),
                    "schedules",
                    _(
                        "L'orario %(id)s riguarda la sede %(location)s, che non è tra le sedi "
                        "del servizio."
                    )
                    % {"id": _dashed(row[0]), "location": _dashed(row[1])},
                    str(sid or ""),
                )
        return sals, schedules, closures

    def cost_options(self, s: dict) -> list[tuple]:
        """The service's costs: free, a fee (with its amount, in euros) or a voucher."""
        costs = []
        for c in s.get("cost_options") or []:
            cid = self.uuid_of(c, "cost_option")
            option = str(c.get("option") or "").strip().lower()
            amount = c.get("amount")
            description = str(c.get("amount_description") or "")
            if option not in COST_OPTIONS:
                if amount is None:
                    self.err(c, "option", _("option deve essere free, fee o voucher."))
                    continue
                description = _join(c.get("option"), description)
                option = "free" if amount == 0 else "fee"
            if c.get("currency") and str(c["currency"]).upper() != "EUR":
                self.err(c, "currency", _("Sono accettati solo importi in EUR."))
            price: Decimal | None = None
            if amount is not None:
                try:
                    price = Decimal(str(amount)).quantize(Decimal("0.01"))
                except InvalidOperation:
                    self.err(c, "amount", _("'%(value)s' non è un importo.") % {"value": amount})
                if price is not None and (price < 0 or price >= Decimal("10000000")):
                    self.err(c, "amount", _("Importo fuori intervallo."))
            if option == "fee" and price is None:
                self.err(c, "amount", _("Indica l'importo per un servizio a pagamento."))
            costs.append(
                (
                    cid,
                    option,
                    price,
                    description[:200],
                    self.date_of(c, "valid_from"),
                    self.date_of(c, "valid_to"),
                )
            )
        return costs

    def contacts(self, s: dict) -> list[tuple]:
        """The service's contact people, each with the first of their phone numbers."""
        contacts = []
        for c in s.get("contacts") or []:
            phone = identifiers.normalise_phone(
                next((str(p.get("number") or "") for p in c.get("phones") or []), "")
            )
            contacts.append(
                (
                    self.uuid_of(c, "contact"),
                    self.text(c, "name", Contact, "name"),
                    self.text(c, "title", Contact, "title"),
                    self.text(c, "department", Contact, "department"),
                    self.checked_email(c, "email", Contact),
                    phone[:30],
                )
            )
        return contacts

    def languages(self, s: dict) -> list[tuple]:
        """The languages the service is given in, each code once."""
        languages = []
        codes = set()
        for lang in s.get("languages") or []:
            code = str(lang.get("code") or "").strip().lower()
            if not code or len(code) > 3:
                self.err(lang, "code", _("Serve il codice ISO 639-1 della lingua (es. it, en)."))
                continue
            if code in codes:
                continue
            codes.add(code)
            languages.append(
                (
                    self.uuid_of(lang, "language"),
                    code,
                    (self.text(lang, "name", Language, "name") or code),
                    self.text(lang, "note", Language, "note"),
                )
            )
        return languages

    def term(self, attr: dict) -> TaxonomyTerm | None:
        term_id = _term_id(attr)
        term = self.terms_by_uuid.get(term_id)
        if term is None:
            # A term of another taxonomy copy: match on its code.
            embedded = attr.get("taxonomy_term") or self.bundle_terms.get(term_id) or {}
            term = self.terms_by_code.get(str(embedded.get("code") or ""))
        return term

    def plan(self, bundle: Bundle) -> list[ServicePlan]:
        self.bundle_orgs = bundle.organizations
        self.bundle_terms = bundle.terms
        self.services = bundle.services
        self.as_given = bundle.as_given
        plans = []
        for s in bundle.services:
            plan = self.service(s)
            if plan is not None:
                plans.append(plan)
        self.bundle_providers()
        self.provider_comuni(plans)
        return plans

    def keep_valid(self, plans: list[ServicePlan]) -> list[ServicePlan]:
        """ "Import what is valid": the plans that need nothing left out, the locations and
        new providers they use. A service at a location with a problem, or of a new provider
        with no comune, is left out too, and reported."""
        unplaced = {n.placeholder for n in self.new_orgs.values() if n.comune_id is None}
        self.new_orgs = {k: n for k, n in self.new_orgs.items() if n.comune_id is not None}
        kept = []
        for plan in plans:
            bad = [lid for _u, lid, _d in plan.sals if lid in self.bad_locations]
            if bad:
                self.report.error(
                    f"{self.report.source}|",
                    "service_at_locations",
                    _("Il servizio è in una sede con errori (%(id)s): non importato.")
                    % {"id": _dashed(bad[0])},
                    _dashed(plan.uuid),
                )
            elif plan.fields["organisation_id"] in unplaced:
                self.report.error(
                    f"{self.report.source}|",
                    "organization_id",
                    _("L'organizzazione del servizio non può essere creata: non importato."),
                    _dashed(plan.uuid),
                )
            else:
                kept.append(plan)
        used = {lid for plan in kept for _u, lid, _d in plan.sals}
        self.locations = {lid: loc for lid, loc in self.locations.items() if lid in used}
        for location in self.locations.values():
            if location.fields["organisation_id"] in unplaced:
                location.fields["organisation_id"] = None
        return kept

    def name_rows(self, messages: dict[Hex, str]) -> None:
        """Reports each object of the file whose id is in `messages` at its row (its first
        occurrence), for the checks made after planning against the catalogue. It walks all
        that was read, so it runs only when there is something to report."""
        done: set[Hex] = set()
        for s in self.services:
            self.root = s
            for obj in _objects(s):
                for value in _ids_of(obj):
                    if value in messages and value not in done:
                        done.add(value)
                        self.err(obj, "id", messages[value])
        for value in messages.keys() - done:  # e.g. a derived id: the file, at least
            self.report.error(f"{self.report.source}|", "id", messages[value], _dashed(value))


def _objects(obj: Any) -> Iterator[dict]:
    """Every object in `obj`, depth first."""
    if isinstance(obj, dict):
        yield obj
        for key, value in obj.items():
            if key != SRC and isinstance(value, dict | list):
                yield from _objects(value)
    elif isinstance(obj, list):
        for item in obj:
            yield from _objects(item)


def _ids_of(obj: dict) -> list[Hex]:
    """The ids the import gives the rows of `obj`: its own, and for a schedule of several
    weekdays the ids of its other days' rows (see `Planner.schedules`)."""
    try:
        first = _hex(obj.get("id"))
    except ValueError:
        return []
    days = [d.strip().upper() for d in str(obj.get("byday") or "").split(",") if d.strip()]
    return [first, *(uuid.uuid5(uuid.UUID(hex=first), day).hex for day in days[1:])]
