"""Terms of other taxonomies that imported services carry (`ForeignTerm`): an ATS operator
maps one to a category of ours, once for the term; every service that carries it is then in
that category, and in the search by category at once.

Rules (each refused with a ValidationError naming what to change):
- only ATS operators (and superusers) map, and only a term that services of their ATS carry;
- a term is mapped once: mapped, it is not mapped again (its services already have the
  category, which their providers and moderators can change service by service).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.core.audit import UPDATE, log_bulk
from equilibri.core.text import fold

from .. import indexing, selectors
from ..interchange_models import ForeignTerm
from ..models import Service, TaxonomyTerm


def foreign_terms_visible_to(user) -> QuerySet[ForeignTerm]:
    """The foreign terms carried by services the user moderates, each with how many of those
    services it has (`services_count`) and how many have no category of ours yet
    (`to_classify`)."""
    services = selectors.services_moderated_by(user)
    qs = ForeignTerm.objects.filter(services__in=services).select_related("term")
    return qs.annotate(
        services_count=Count("services", distinct=True),
        to_classify=Count("services", filter=Q(services__terms__isnull=True), distinct=True),
    )


def services_to_classify(user) -> QuerySet[Service]:
    """The services the user moderates that carry terms of other taxonomies only: none of our
    categories, so the search by category does not find them."""
    return (
        selectors.services_moderated_by(user)
        .filter(foreign_terms__isnull=False, terms__isnull=True)
        .distinct()
    )


def suggested_terms(foreign: ForeignTerm, terms: Iterable[TaxonomyTerm]) -> list[TaxonomyTerm]:
    """Our categories that look like the foreign term: the same code, or a name that shares
    its words (folded: case and accents aside), best first."""
    words = set(fold(f"{foreign.name} {foreign.code}").replace("-", " ").split())
    scored = []
    for term in terms:
        if foreign.code and term.code == foreign.code:
            scored.append((100, term.name, term))
            continue
        common = words & set(fold(f"{term.name} {term.code}").replace("-", " ").split())
        shared = len([w for w in common if len(w) > 3])
        if shared:
            scored.append((shared, term.name, term))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [term for _score, _name, term in scored[:3]]


@transaction.atomic
def foreign_term_map(*, foreign_term: ForeignTerm, term: TaxonomyTerm, by) -> int:
    """Maps the foreign term to our category `term`: every service carrying it gets the
    category (audited, search index rebuilt). Returns how many services gained it."""
    if not foreign_terms_visible_to(by).filter(pk=foreign_term.pk).exists():
        raise PermissionDenied
    locked = ForeignTerm.objects.select_for_update().get(pk=foreign_term.pk)
    if locked.term_id is not None:
        raise ValidationError(
            {
                "term": _("Il termine è già associato alla categoria «%(name)s».")
                % {"name": locked.term.name if locked.term else locked.term_id}
            }
        )
    locked.term = term
    locked.mapped_by = by
    locked.mapped_at = timezone.now()
    locked.save(update_fields=["term", "mapped_by", "mapped_at"])
    carrying = set(locked.services.values_list("pk", flat=True))
    having = set(
        Service.terms.through.objects.filter(
            service_id__in=carrying, taxonomyterm_id=term.pk
        ).values_list("service_id", flat=True)
    )
    gaining = sorted(carrying - having)
    Service.terms.through.objects.bulk_create(
        [Service.terms.through(service_id=pk, taxonomyterm_id=term.pk) for pk in gaining],
        batch_size=5000,
    )
    log_bulk(
        Service,
        gaining,
        UPDATE,
        fields=["terms"],
        actor=by,
        data={"foreign_term": str(locked.uuid), "term": term.code},
    )
    if gaining:
        indexing.reindex_services(gaining)
    foreign_term.term = term
    return len(gaining)
