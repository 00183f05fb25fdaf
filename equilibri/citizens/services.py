"""Every state change of the citizens' side, one function each, in a transaction (the models'
saves are in the audit log); e-mails leave on commit through core.mail.

- saved services: save / forget one;
- saved searches: save / forget one;
- preferences: the person's comune;
- messages to an ATS (accessibility report, contact, erasure request): sent (new, with an
  acknowledgement e-mail and one to the ATS's operators), answered by e-mail, closed;
- ratings: one answer to "Valuta la tua esperienza".
"""

from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from equilibri.accounts.models import StaffRole
from equilibri.accounts.roles import Role
from equilibri.catalogue.models import Service
from equilibri.core import mail
from equilibri.core.identifiers import clean_text
from equilibri.territory.models import ATS, Comune

from . import selectors
from .models import Message, Preferences, Rating, SavedSearch, SavedService

MessageState = Message.State


@transaction.atomic
def service_save(*, user, service: Service) -> SavedService:
    saved, _created = SavedService.objects.get_or_create(user=user, service=service)
    return saved


@transaction.atomic
def service_forget(*, user, service: Service) -> None:
    for saved in SavedService.objects.filter(user=user, service=service):
        saved.delete()  # one by one: each deletion in the audit log


def search_query(query: str) -> tuple[str, dict[str, str]]:
    """The search page's own parameters of `query` (a query string), each once, trimmed and
    NFKC-normalised, in a fixed order: the same search saved twice is one row. Paging, view and
    unknown parameters are dropped."""
    from equilibri.catalogue.forms import SearchForm  # the search page's parameters

    given = QueryDict(query[: SavedSearch.MAX_QUERY_LENGTH * 4])
    kept = {}
    for name in sorted(SearchForm.base_fields):
        value = clean_text(given.get(name, ""))[:200]
        if value:
            kept[name] = value
    return urlencode(kept), kept


@transaction.atomic
def search_save(*, user, query: str) -> SavedSearch:
    """Keep a search in the person's area (at most MAX_PER_PERSON; saving one already kept
    returns it)."""
    normalised, params = search_query(query)
    if not params:
        raise ValidationError(_("Non c'è nessuna ricerca da salvare: cerca prima qualcosa."))
    if len(normalised) > SavedSearch.MAX_QUERY_LENGTH:
        raise ValidationError(_("Questa ricerca è troppo lunga per essere salvata."))
    # The person's row first: two saves at once count each other.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    existing = SavedSearch.objects.filter(user=user, query=normalised).first()
    if existing is not None:
        return existing
    if SavedSearch.objects.filter(user=user).count() >= SavedSearch.MAX_PER_PERSON:
        raise ValidationError(
            _("Hai già %(n)s ricerche salvate: togline qualcuna prima di salvarne altre.")
            % {"n": SavedSearch.MAX_PER_PERSON}
        )
    return SavedSearch.objects.create(user=user, query=normalised, label=search_label(params))


def search_label(params: dict[str, str]) -> str:
    """What the person reads in their list: the text and the place, and how many other filters."""
    parts = [params[name] for name in ("q", "comune") if name in params]
    others = len([name for name in params if name not in {"q", "comune", "ordina"}])
    label = " · ".join(parts) or _("Tutti i servizi")
    if others:
        label += " " + ngettext("(%(n)s filtro)", "(%(n)s filtri)", others) % {"n": others}
    return label[:200]


@transaction.atomic
def search_forget(*, user, saved: SavedSearch) -> None:
    if saved.user_id != user.pk:
        raise PermissionDenied
    saved.delete()


@transaction.atomic
def preferences_save(*, user, comune: Comune | None) -> Preferences | None:
    """The person's comune; nothing is written when nothing changes."""
    preferences = Preferences.objects.select_for_update().filter(user=user).first()
    if preferences is None:
        if comune is None:
            return None
        return Preferences.objects.create(user=user, comune=comune)
    if preferences.comune_id == getattr(comune, "pk", None):
        return preferences
    preferences.comune = comune
    preferences.save(update_fields=["comune", "updated_at"])
    return preferences


def _operator_emails(ats_id: int) -> list[str]:
    return list(
        StaffRole.objects.filter(
            role=Role.ATS_OPERATOR, ats_id=ats_id, user__is_active=True
        ).values_list("user__email", flat=True)
    )


@transaction.atomic
def message_send(
    *,
    kind: str,
    body: str,
    ats: ATS | None = None,
    comune: Comune | None = None,
    name: str = "",
    email: str = "",
    subject: str = "",
    page_url: str = "",
    user=None,
) -> Message:
    """A message into the queue of the ATS chosen, or of the comune's ATS. The sender (when
    they left an address) gets an acknowledgement with the date by which they will be answered;
    the ATS's operators are told."""
    if kind not in Message.Kind.values:
        raise ValidationError(_("Tipo di messaggio non valido."))
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Scrivi il messaggio.")})
    if ats is None and comune is not None:
        ats = comune.ats
    if ats is None:
        raise ValidationError({"ats": _("Scegli l'ATS o indica il tuo comune.")})
    if user is not None and not user.is_authenticated:
        user = None
    if user is not None and not email:
        email = user.email
    message = Message.objects.create(
        kind=kind,
        ats=ats,
        comune=comune,
        user=user,
        name=clean_text(name)[:150],
        email=email,
        subject=clean_text(subject)[:200],
        page_url=(page_url or "").strip()[:500],
        body=body,
    )
    context = {"message": message, "kind": message.get_kind_display(), "ats": ats.name}
    if message.email:
        mail.send([message.email], "citizens/mail/message_received", context)
    mail.send(_operator_emails(ats.pk), "citizens/mail/message_new", context)
    return message


def _locked(message: Message, by) -> Message:
    if not selectors.messages_answered_by(by).filter(pk=message.pk).exists():
        raise PermissionDenied
    return Message.objects.select_for_update().get(pk=message.pk)


@transaction.atomic
def message_answer(*, message: Message, by, text: str) -> Message:
    """The ATS's answer, e-mailed to the sender; an accessibility report's answer says how to
    turn to AgID if it does not satisfy them."""
    message = _locked(message, by)
    if message.state == MessageState.CLOSED:
        raise ValidationError(_("Il messaggio è chiuso: non si può più rispondere."))
    if not message.email:
        raise ValidationError(
            _("Chi ha scritto non ha lasciato un indirizzo e-mail: non si può rispondere.")
        )
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Scrivi la risposta.")})
    message.answer = text
    message.answered_at = timezone.now()
    message.answered_by = by
    message.state = MessageState.ANSWERED
    message.save(update_fields=["answer", "answered_at", "answered_by", "state"])
    mail.send(
        [message.email],
        "citizens/mail/message_answer",
        {"message": message, "kind": message.get_kind_display(), "ats": message.ats.name},
        reply_to=by.email or None,
    )
    return message


@transaction.atomic
def message_close(*, message: Message, by) -> Message:
    message = _locked(message, by)
    if message.state == MessageState.CLOSED:
        return message
    message.state = MessageState.CLOSED
    message.closed_at = timezone.now()
    message.save(update_fields=["state", "closed_at"])
    return message


@transaction.atomic
def rating_record(*, moment: str, score: int, comment: str = "", ats: ATS | None = None) -> Rating:
    if moment not in Rating.Moment.values:
        raise ValidationError(_("Valutazione non valida."))
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError({"score": _("Scegli un valore da 1 a 5.")})
    return Rating.objects.create(
        moment=moment, score=score, comment=(comment or "").strip()[:1000], ats=ats
    )
