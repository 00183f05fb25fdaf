"""The desk's entry in the service catalogue."""

from django.urls import reverse
from django.utils.translation import gettext as _

from equilibri.core import mail

from ..models import Desk


def sync_listing(desk: Desk) -> None:
    """Keeps the desk's entry in the service catalogue (category "sportelli") up to date; an
    inactive desk leaves the catalogue."""
    from equilibri.catalogue import services as catalogue

    key = f"desks:{desk.pk}"
    if not desk.active:
        catalogue.listing_remove(key=key)
        return
    channels = ", ".join(
        str(label)
        for on, label in [
            (desk.offers_in_person, _("in presenza")),
            (desk.offers_phone, _("al telefono")),
            (desk.offers_video, _("in videochiamata")),
        ]
        if on
    )
    description = desk.description or _(
        "Sportello conciliazione vita-lavoro: informazioni e orientamento su servizi, voucher, "
        "congedi, lavoro agile e contratti."
    )
    catalogue.listing_upsert(
        key=key,
        organisation=desk.organisation,
        name=desk.name,
        description=f"{description}\n{_('Colloqui')}: {channels}.",
        term_codes=["sportelli"],
        location={
            "name": desk.name,
            "address": desk.address,
            "comune": desk.comune,
            "accessibility": desk.accessibility,
            "kind": "physical",
        },
        schedules=[
            {"weekday": h.weekday, "opens_at": h.opens, "closes_at": h.closes}
            for h in desk.hours.all()
        ],
        phones=[desk.phone] if desk.phone else [],
        email=desk.email,
        languages=desk.language_codes or ["it"],
        url=mail.absolute_url(reverse("desks_public:desk_detail", args=[desk.pk])),
    )
