"""The anonymous responses: started on a channel (with a single-use code where the channel uses
them), saved a section at a time and resumed on the same device through a token in a cookie,
sent once.

Race safety: a code is claimed and a response sent by conditional UPDATEs (`... WHERE response
IS NULL`, `... WHERE state = 'in_progress'`), so of two requests racing only one wins and the
other is refused with a clear message; nothing is saved twice."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.territory.models import Comune

from .. import definition as qdef
from ..answering import stored_values
from ..models import Answer, Campaign, Distribution, QuestionnaireVersion, Response, ResponseToken
from ..sectors import sector_of
from .campaigns import token_hash


class ResponseRefused(Exception):
    """A response that cannot be started, saved or sent; the message is for the respondent."""

    def __init__(self, message: str, *, code: str = "refused"):
        super().__init__(message)
        self.message, self.code = message, code


def refusal_of(campaign: Campaign) -> ResponseRefused | None:
    """Why the campaign takes no response today, or None."""
    today = timezone.localdate()
    if campaign.state == Campaign.State.CLOSED or campaign.ends_on < today:
        return ResponseRefused(
            _("La rilevazione si è chiusa il %(day)s: non accetta più risposte.")
            % {"day": campaign.ends_on.strftime("%d/%m/%Y")},
            code="closed",
        )
    if campaign.state != Campaign.State.OPEN or campaign.starts_on > today:
        return ResponseRefused(
            _("La rilevazione apre il %(day)s.") % {"day": campaign.starts_on.strftime("%d/%m/%Y")},
            code="not_open",
        )
    return None


def _resume_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def response_start(
    distribution: Distribution,
    version: QuestionnaireVersion,
    *,
    code: str = "",
    language: str = "it",
) -> tuple[Response, str]:
    """A new response and the resume token for the respondent's cookie."""
    campaign = Campaign.objects.get(pk=distribution.campaign_id)  # its state now, not cached
    refused = refusal_of(campaign)
    if refused:
        raise refused
    if not campaign.versions.filter(pk=version.pk).exists():
        raise ResponseRefused(
            _("Questo questionario non fa parte della rilevazione."), code="version"
        )
    resume = secrets.token_urlsafe(32)
    response = Response.objects.create(
        campaign=campaign,
        distribution=distribution,
        version=version,
        resume_hash=_resume_hash(resume),
        language=language[:5],
        started_on=timezone.localdate(),
    )
    if distribution.single_use:
        claimed = ResponseToken.objects.filter(
            distribution=distribution, token_hash=token_hash(code or ""), response__isnull=True
        ).update(response=response)
        if claimed != 1:  # raising rolls the new response back
            used = ResponseToken.objects.filter(
                distribution=distribution, token_hash=token_hash(code or "")
            ).exists()
            raise ResponseRefused(
                _("Questo codice è già stato usato: con un codice si risponde una volta sola.")
                if used and code
                else _("Il codice non è valido: controlla di averlo scritto come sul foglio."),
                code="token_used" if used and code else "token_invalid",
            )
    return response, resume


def response_resume(distribution: Distribution, resume: str) -> Response | None:
    """The response in progress of this device on this channel, if any."""
    if not resume:
        return None
    return (
        Response.objects.filter(
            distribution=distribution,
            resume_hash=_resume_hash(resume),
            state=Response.State.IN_PROGRESS,
        )
        .select_related("version", "campaign")
        .first()
    )


def _locked(response: Response) -> Response:
    locked = Response.objects.select_for_update().select_related("campaign").get(pk=response.pk)
    if locked.state != Response.State.IN_PROGRESS:
        raise ResponseRefused(_("Questa risposta è già stata inviata: grazie!"), code="sent")
    refused = refusal_of(locked.campaign)
    if refused:
        raise refused
    return locked


@transaction.atomic
def response_save_section(
    response: Response, section_index: int, rows: dict[str, list[dict]]
) -> Response:
    """The answers of one section (`SectionForm.answer_rows()`), replacing what it had."""
    response = _locked(response)
    Answer.objects.filter(response=response, question__in=list(rows)).delete()
    Answer.objects.bulk_create(
        Answer(response=response, question=key, **fields)
        for key, values in rows.items()
        for fields in values
    )
    response.section = max(response.section, section_index + 1)
    response.save(update_fields=["section"])
    return response


def missing_section(response: Response) -> int | None:
    """The first section with a required question unanswered (None: complete)."""
    definition = response.version.parsed
    values = stored_values(response.answers.all())
    for index, section in enumerate(definition.sections):
        for question in section.questions:
            if question.required and qdef.is_shown(question, values):
                given = values.get(question.key) or []
                if question.type == "grid" and len(given) < len(question.rows):
                    return index
                if not given:
                    return index
    return None


@transaction.atomic
def response_submit(response: Response) -> Response:
    """Sends the response: complete, once. Answers of questions whose condition no longer holds
    (an earlier answer changed) are dropped; the breakdowns are fixed."""
    response = _locked(response)
    incomplete = missing_section(response)
    if incomplete is not None:
        raise ResponseRefused(
            _("Manca qualche risposta obbligatoria nella sezione %(n)d.") % {"n": incomplete + 1},
            code="incomplete",
        )
    definition = response.version.parsed
    values = stored_values(response.answers.all())
    hidden = [q.key for q in definition.questions() if not qdef.is_shown(q, values)]
    Answer.objects.filter(response=response, question__in=hidden).delete()
    values = {k: v for k, v in values.items() if k not in hidden}
    comune_q, gender_q = definition.dimension("comune"), definition.dimension("gender")
    comune = None
    if comune_q and values.get(comune_q.key):
        comune = Comune.objects.filter(istat_code=values[comune_q.key][0]).first()
    organisation = response.distribution.organisation
    fields = {
        "state": Response.State.SUBMITTED,
        "submitted_on": timezone.localdate(),
        "resume_hash": "",
        "comune": comune,
        "gender": (values.get(gender_q.key) or [""])[0] if gender_q else "",
        "organisation": organisation,
        "organisation_size": organisation.size_class if organisation else "",
        "organisation_sector": sector_of(organisation.ateco_code, organisation.kind)
        if organisation
        else "",
    }
    sent = Response.objects.filter(pk=response.pk, state=Response.State.IN_PROGRESS).update(
        **fields
    )
    if sent != 1:  # cannot happen under the row lock; kept as the rule's last word
        raise ResponseRefused(_("Questa risposta è già stata inviata: grazie!"), code="sent")
    response.refresh_from_db()
    return response
