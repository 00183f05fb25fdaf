"""Reads of the catalogue, scoped.

- public: published (or stale, still shown while the provider is asked to confirm) and running;
- provider operators: the services of their organisations;
- ATS operators: the services of the organisations of their ATS (moderation, mistake reports);
- regional viewer: everything, read only; superuser: everything.
"""

from django.db.models import Count, Q, QuerySet

from equilibri.accounts.roles import Role, ats_ids_for, has_role, is_region_wide, object_ids_for
from equilibri.network.models import Organisation

from .models import Location, MistakeReport, Service, ServiceRevision, TaxonomyTerm

PUBLIC_REVIEW_STATES = (Service.Review.PUBLISHED, Service.Review.STALE)
PUBLIC_STATUSES = (Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED)


def public_services() -> QuerySet[Service]:
    return Service.objects.filter(
        review_state__in=PUBLIC_REVIEW_STATES, status__in=PUBLIC_STATUSES
    ).select_related("organisation")


def services_visible_to(user) -> QuerySet[Service]:
    """Services the user may see in the reserved area."""
    qs = Service.objects.select_related("organisation__comune")
    if is_region_wide(user):
        return qs
    own = object_ids_for(user, Role.PROVIDER_OPERATOR)
    return qs.filter(
        Q(organisation_id__in=own)
        | Q(organisation__comune__ats_id__in=ats_ids_for(user, Role.ATS_OPERATOR))
    )


def services_edited_by(user) -> QuerySet[Service]:
    """Services the user may edit as provider (superuser: all). Listings kept by another app
    (help desks) are edited there, not here."""
    qs = Service.objects.select_related("organisation__comune").filter(listed_object="")
    if has_role(user, Role.SUPERUSER):
        return qs
    return qs.filter(organisation_id__in=object_ids_for(user, Role.PROVIDER_OPERATOR))


def provider_organisations(user) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("comune")
    if has_role(user, Role.SUPERUSER):
        return qs
    return qs.filter(pk__in=object_ids_for(user, Role.PROVIDER_OPERATOR))


def moderated_ats_ids(user) -> set[int] | None:
    if has_role(user, Role.SUPERUSER):
        return None
    return ats_ids_for(user, Role.ATS_OPERATOR)


def services_moderated_by(user) -> QuerySet[Service]:
    qs = Service.objects.select_related("organisation__comune")
    ids = moderated_ats_ids(user)
    return qs if ids is None else qs.filter(organisation__comune__ats_id__in=ids)


def revisions_moderated_by(user) -> QuerySet[ServiceRevision]:
    qs = ServiceRevision.objects.select_related("service__organisation__comune", "submitted_by")
    ids = moderated_ats_ids(user)
    return qs if ids is None else qs.filter(service__organisation__comune__ats_id__in=ids)


def mistake_reports_handled_by(user) -> QuerySet[MistakeReport]:
    qs = MistakeReport.objects.select_related("service__organisation__comune")
    ids = moderated_ats_ids(user)
    return qs if ids is None else qs.filter(service__organisation__comune__ats_id__in=ids)


def postcode_comuni() -> QuerySet:
    """(postal_code, comune_id, locations) of the catalogue's locations, for each CAP its comuni
    from the one most of its locations are in: a CAP stands for that comune (the HSDS API's
    `postcode`, the importer's places without a known city)."""
    return (
        Location.objects.filter(comune__isnull=False)
        .exclude(postal_code="")
        .values("postal_code", "comune_id")
        .annotate(n=Count("id"))
        .order_by("postal_code", "-n", "comune_id")
        .values_list("postal_code", "comune_id", "n")
    )


def top_terms() -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.filter(parent__isnull=True).prefetch_related("children")


def nearest_desk_service(
    lat: float, lon: float, exclude_id: int | None = None, ats_id: int | None = None
):
    """The nearest help desk of the network: a public "sportelli" service listed by the help
    desks themselves (`listed_object`), so the same desks /sportelli/ shows and books, not
    providers' own information points filed in that category. With `ats_id` (the ATS of the
    service's place), that ATS's desks come first: a desk of another ATS may be nearer, but the
    citizen's own ATS is the one that serves them."""
    from equilibri.territory.geo import haversine_km

    from .search import category_term_ids

    best: tuple | None = None
    qs = (
        public_services()
        .filter(terms__id__in=category_term_ids("sportelli"))
        .exclude(listed_object="")
        .exclude(pk=exclude_id or 0)
        .distinct()
        .prefetch_related("at_locations__location__comune")
    )
    for service in qs:
        for sal in service.at_locations.all():
            loc = sal.location
            if loc.latitude is None or loc.longitude is None:
                continue
            km = haversine_km(lat, lon, loc.latitude, loc.longitude)
            other_ats = ats_id is not None and getattr(loc.comune, "ats_id", None) != ats_id
            rank = (other_ats, km)
            if best is None or rank < best[0]:
                best = (rank, (service, loc, km))
    return best[1] if best else None
