"""Service catalogue: public search, helper, service pages; the reserved catalogue area
(providers edit their organisation's services, ATS operators moderate their ATS)."""

from equilibri.catalogue.demo import demo_uuid
from equilibri.catalogue.models import MistakeReport, Service, ServiceRevision

from .helpers import ALL, only, public


def insubria_service() -> str:
    return str(demo_uuid("tradate-centro-estivo"))  # L'Aquilone, Tradate (ATS Insubria)


def milano_service() -> str:
    return str(demo_uuid("milano-social-point-niguarda"))  # Spazio Aperto, Milano (ATS Milano)


def insubria_pk() -> int:
    return Service.objects.get(uuid=demo_uuid("tradate-centro-estivo")).pk


def milano_pk() -> int:
    return Service.objects.get(uuid=demo_uuid("milano-social-point-niguarda")).pk


def insubria_revision() -> int:
    return ServiceRevision.objects.get(service__uuid=demo_uuid("tradate-pre-scuola")).pk


def milano_revision() -> int:
    return ServiceRevision.objects.get(service__uuid=demo_uuid("milano-social-point-corvetto")).pk


def insubria_report() -> int:
    return MistakeReport.objects.create(service_id=insubria_pk(), message="Orari errati").pk


def milano_report() -> int:
    return MistakeReport.objects.create(service_id=milano_pk(), message="Orari errati").pk


def any_pk() -> int:
    return 1


POST_ONLY = dict.fromkeys(ALL, 405)

ROWS: dict = {}
ROWS[("catalogue_public:search", None)] = public()
ROWS[("catalogue_public:helper", None)] = public()
ROWS[("catalogue_public:detail", insubria_service)] = public()
ROWS[("catalogue_public:detail", milano_service)] = public()
# The "report a mistake" form posts only.
ROWS[("catalogue_public:report_mistake", insubria_service)] = dict.fromkeys(ALL, 405)
ROWS[("catalogue_public:report_mistake", milano_service)] = dict.fromkeys(ALL, 405)

ROWS[("catalogue:index", None)] = only("provider_operator", "ats_operator", "superuser")
ROWS[("catalogue:create", None)] = only("provider_operator", "superuser")
ROWS[("catalogue:queue", None)] = only("ats_operator", "superuser")
ROWS[("catalogue:reports", None)] = only("ats_operator", "superuser")
ROWS[("catalogue:report_detail", insubria_report)] = only("ats_operator", "superuser")
ROWS[("catalogue:report_detail", milano_report)] = only("ats_operator", "superuser") | {
    "ats_operator": 404
}
ROWS[("catalogue:detail", insubria_pk)] = only("provider_operator", "ats_operator", "superuser")
ROWS[("catalogue:detail", milano_pk)] = only("provider_operator", "ats_operator", "superuser") | {
    "provider_operator": 404,
    "ats_operator": 404,
}
ROWS[("catalogue:edit", insubria_pk)] = only("provider_operator", "superuser")
ROWS[("catalogue:edit", milano_pk)] = only("provider_operator", "superuser") | {
    "provider_operator": 404
}
ROWS[("catalogue:moderate", insubria_pk)] = only("ats_operator", "superuser")
ROWS[("catalogue:moderate", milano_pk)] = only("ats_operator", "superuser") | {"ats_operator": 404}
ROWS[("catalogue:revision_review", insubria_revision)] = only("ats_operator", "superuser")
ROWS[("catalogue:revision_review", milano_revision)] = only("ats_operator", "superuser") | {
    "ats_operator": 404
}
ROWS[("catalogue:submit", any_pk)] = POST_ONLY
ROWS[("catalogue:confirm", any_pk)] = POST_ONLY
ROWS[("catalogue:revision_withdraw", any_pk)] = POST_ONLY
ROWS[("catalogue:hsds_import", None)] = only("ats_operator", "superuser")
# The search vocabulary is the platform's, not an ATS's: every ATS operator keeps it.
ROWS[("catalogue:vocabulary", None)] = only("ats_operator", "superuser")
ROWS[("catalogue:vocabulary_remove", None)] = POST_ONLY
ROWS[("catalogue:vocabulary_restore", any_pk)] = POST_ONLY


def hsds_import_by(username: str) -> str:
    """A queued HSDS import of `username` (never run: the matrix only reads its page)."""
    from django.contrib.auth import get_user_model

    from equilibri.catalogue.tasks import run_hsds_import

    from ..conftest import email_of

    user = get_user_model().objects.get(email=email_of(username))
    return str(run_hsds_import.enqueue(user.pk, "hsds-imports/none", "c.json", True).id)


def insubria_import() -> str:
    return hsds_import_by("operatore.insubria")


def milano_import() -> str:
    return hsds_import_by("operatore.milano")


# Only the importer (and superusers) follow an import: another ATS's is a 404.
ROWS[("catalogue:hsds_import_status", insubria_import)] = only("ats_operator", "superuser")
ROWS[("catalogue:hsds_import_status", milano_import)] = only("ats_operator", "superuser") | {
    "ats_operator": 404
}


def milano_foreign_term() -> int:
    """A term of another taxonomy that a Milano service carries (out of Insubria's scope)."""
    import uuid

    from equilibri.catalogue.interchange_models import ForeignTerm

    term = ForeignTerm.objects.create(uuid=uuid.uuid4(), name="Doposcuola", code="X-1")
    term.services.add(milano_pk())
    return term.pk


# Terms of other taxonomies: ATS operators map those their ATS's services carry.
ROWS[("catalogue:foreign_terms", None)] = only("ats_operator", "superuser")
ROWS[("catalogue:foreign_term_map", milano_foreign_term)] = POST_ONLY
