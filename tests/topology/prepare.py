"""Prepares the topology test's database in one process: migrate, geography, demo data, then a
slot with one seat left for the booking race. Prints what the test needs as JSON on its last line.
"""

import json
from datetime import timedelta

import django
from django.core.management import call_command


def main() -> None:
    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_geography", verbosity=0)
    call_command("load_demo", quiet_accounts=True, verbosity=0)

    from django.utils import timezone

    from equilibri.catalogue.demo import demo_uuid
    from equilibri.catalogue.models import Service
    from equilibri.desks.models import Channel, Slot

    def described(slug: str) -> dict:
        service = Service.objects.get(uuid=demo_uuid(slug))
        return {"pk": service.pk, "uuid": str(service.uuid), "name": service.name}

    # An in-person slot (no phone number needed) of a public desk, a few days ahead, whose
    # capacity leaves exactly one seat.
    slot = (
        Slot.objects.filter(
            desk__active=True,
            channel=Channel.IN_PERSON,
            starts_at__gt=timezone.now() + timedelta(days=2),
        )
        .order_by("starts_at", "pk")
        .first()
    )
    assert slot is not None, "the demo data has no bookable in-person slot"
    slot.capacity = slot.booked + 1
    slot.save(update_fields=["capacity"])
    print(
        json.dumps(
            {
                # One service the operator hides, another that receives mistake reports.
                "hidden": described("tradate-centro-estivo"),
                "reported": described("tradate-pre-scuola"),
                "slot": slot.pk,
                "desk": slot.desk_id,
            }
        )
    )


if __name__ == "__main__":
    main()
