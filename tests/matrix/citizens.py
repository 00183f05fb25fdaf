"""The citizens' side: the personal area (signed in, only one's own things), the forms anyone may
send (accessibility report, message to an ATS, rating) and the ATS's queue and ratings (ATS
operators of their ATS, the Region reading, superusers)."""

from equilibri.accounts.models import User
from equilibri.catalogue.models import Service
from equilibri.catalogue.selectors import public_services
from equilibri.citizens.models import Message, SavedSearch
from equilibri.desks.models import Appointment, Desk
from equilibri.desks.selectors import bookable_slots
from equilibri.territory.models import Comune

from ..conftest import PERSONAS, email_of
from .helpers import ANON, public, signed_in

QUEUE_READERS = ("ats_operator", "regional_viewer", "superuser")


def cittadino_appointment() -> int:
    """An appointment of another citizen (cittadino): nobody else's to see or change."""
    user = User.objects.get(email=email_of("cittadino"))
    desk = Desk.objects.get(name="Sportello conciliazione di Erba")
    slot = bookable_slots(desk).first()
    return Appointment.objects.create(
        slot=slot,
        desk=desk,
        user=user,
        name="Cittadino",
        email=user.email,
        topic="Congedo",
        link_nonce="matrix",
        state=Appointment.State.BOOKED,
    ).pk


def unpublished_service() -> int:
    """A service nobody may save: not (or no longer) published."""
    return Service.objects.exclude(pk__in=public_services().values("pk")).order_by("pk").first().pk


def cittadino_search() -> int:
    """A search another citizen (cittadino) saved: nobody else's to forget."""
    user = User.objects.get(email=email_of("cittadino"))
    return SavedSearch.objects.create(user=user, query="q=nido", label="nido").pk


def milano_message() -> int:
    return Message.objects.create(
        kind=Message.Kind.ACCESSIBILITY,
        ats=Comune.objects.get(name="Milano").ats,
        email="persona@example.org",
        body="Il modulo non si usa da tastiera.",
    ).pk


def post_only_signed_in() -> dict[str, int]:
    return {ANON: 302, **dict.fromkeys(PERSONAS, 405)}


def queue(**overrides: int) -> dict[str, int]:
    expected = {ANON: 302, **dict.fromkeys(PERSONAS, 403)}
    expected.update(dict.fromkeys(QUEUE_READERS, 200))
    expected.update(overrides)
    return expected


ROWS: dict = {
    ("citizens_public:home", None): signed_in(),
    ("citizens_public:preferences", None): post_only_signed_in(),
    ("citizens_public:appointment_reschedule", cittadino_appointment): {
        ANON: 302,
        **dict.fromkeys(PERSONAS, 404),
    },
    ("citizens_public:appointment_cancel", cittadino_appointment): post_only_signed_in(),
    ("citizens_public:appointment_calendar", cittadino_appointment): {
        ANON: 302,
        **dict.fromkeys(PERSONAS, 404),
    },
    ("citizens_public:service_save", unpublished_service): post_only_signed_in(),
    ("citizens_public:search_save", None): signed_in(),
    ("citizens_public:search_forget", cittadino_search): post_only_signed_in(),
    ("citizens_public:erasure", None): signed_in(),
    ("citizens_public:accessibility_report", None): public(),
    ("citizens_public:contact", None): public(),
    ("citizens_public:rate", None): public(),
    # The installable web app.
    ("citizens_public:manifest", None): public(),
    ("citizens_public:service_worker", None): public(),
    ("citizens_public:offline", None): public(),
    ("citizens:message_list", None): queue(),
    # Another ATS's message: Insubria's operator gets a 404, the Region and superusers read it.
    ("citizens:message_detail", milano_message): queue(ats_operator=404),
    ("citizens:ratings", None): queue(),
}

# The POST pass (tests/matrix/posts.py): the same objects out of scope.
POSTS: dict = {
    ("citizens_public:preferences", None): {ANON: 302, **dict.fromkeys(PERSONAS, 302)},
    ("citizens_public:appointment_reschedule", cittadino_appointment): {
        ANON: 302,
        **dict.fromkeys(PERSONAS, 404),
    },
    ("citizens_public:appointment_cancel", cittadino_appointment): {
        ANON: 302,
        **dict.fromkeys(PERSONAS, 404),
    },
    ("citizens_public:service_save", unpublished_service): {
        ANON: 302,
        **dict.fromkeys(PERSONAS, 404),
    },
    # Without a search: the page again with its message, nothing saved.
    ("citizens_public:search_save", None): {ANON: 302, **dict.fromkeys(PERSONAS, 200)},
    ("citizens_public:search_forget", cittadino_search): {
        ANON: 302,
        **dict.fromkeys(PERSONAS, 404),
    },
    # A download: it takes no POST.
    ("citizens_public:appointment_calendar", cittadino_appointment): {
        ANON: 302,
        **dict.fromkeys(PERSONAS, 405),
    },
    # Without data: the form again with its errors, nothing saved.
    ("citizens_public:erasure", None): {ANON: 302, **dict.fromkeys(PERSONAS, 200)},
    ("citizens_public:accessibility_report", None): {ANON: 200, **dict.fromkeys(PERSONAS, 200)},
    ("citizens_public:contact", None): {ANON: 200, **dict.fromkeys(PERSONAS, 200)},
    ("citizens_public:rate", None): {ANON: 200, **dict.fromkeys(PERSONAS, 200)},
    ("citizens:message_detail", milano_message): {
        ANON: 302,
        **dict.fromkeys(PERSONAS, 403),
        "ats_operator": 404,
        "superuser": 200,
    },
}
