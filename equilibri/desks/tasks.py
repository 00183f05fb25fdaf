"""Background jobs of the help desks (enqueued by the `scheduler`, run by `db_worker`)."""

from django_tasks import task

from . import services


@task()
def generate_slots() -> int:
    return services.slots_generate()


@task()
def send_appointment_reminders() -> int:
    return services.send_reminders()


@task()
def release_unconfirmed_bookings() -> int:
    return services.release_unconfirmed()


@task()
def notify_follow_ups() -> int:
    return services.notify_due_follow_ups()


@task()
def anonymise_old_contacts() -> int:
    return services.anonymise_old_contacts()


def register_periodic_jobs() -> None:
    from datetime import timedelta

    from equilibri.core.periodic import PeriodicJob, register_job

    for name, every, job in [
        ("desks_generate_slots", timedelta(days=1), generate_slots),
        ("desks_appointment_reminders", timedelta(hours=1), send_appointment_reminders),
        ("desks_release_unconfirmed", timedelta(minutes=15), release_unconfirmed_bookings),
        ("desks_follow_ups", timedelta(hours=6), notify_follow_ups),
        ("desks_contact_retention", timedelta(days=1), anonymise_old_contacts),
    ]:
        register_job(PeriodicJob(name, every, job.enqueue))
