"""Questionnaires and their versions: a draft changes, a published version never does."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import definition as qdef
from .. import standard
from ..models import Questionnaire, QuestionnaireVersion


def _checked(data) -> dict:
    try:
        qdef.parse(data)
    except qdef.DefinitionError as error:
        raise ValidationError(
            _("Il questionario non è valido: %(error)s") % {"error": error}
        ) from None
    return data


def install_standard(questionnaire_model, version_model) -> tuple[object, bool]:
    """The regional standard questionnaire with its current content published: (version,
    created). Runs with the real models (the command, the demo) and with a migration's
    historical ones, so it uses nothing but the managers. A content changed since the last
    published version becomes a new version: versions already answered stay as they were."""
    content = standard.definition()
    questionnaire, _created = questionnaire_model.objects.get_or_create(
        code=standard.CODE,
        ats=None,
        defaults={"title": standard.TITLE, "is_standard": True},
    )
    latest = (
        version_model.objects.filter(questionnaire=questionnaire, state="published")
        .order_by("-number")
        .first()
    )
    if latest is not None and latest.definition == content:
        return latest, False
    number = (
        version_model.objects.filter(questionnaire=questionnaire).aggregate(n=Max("number"))["n"]
        or 0
    ) + 1
    version = version_model.objects.create(
        questionnaire=questionnaire,
        number=number,
        state="published",
        definition=content,
        published_at=timezone.now(),
    )
    return version, True


@transaction.atomic
def standard_questionnaire_load() -> tuple[QuestionnaireVersion, bool]:
    _checked(standard.definition())
    version, created = install_standard(Questionnaire, QuestionnaireVersion)
    assert isinstance(version, QuestionnaireVersion)
    return version, created


@transaction.atomic
def version_create_draft(
    questionnaire: Questionnaire, data: dict, *, actor
) -> QuestionnaireVersion:
    Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)  # one number at a time
    number = (questionnaire.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return QuestionnaireVersion.objects.create(
        questionnaire=questionnaire, number=number, definition=_checked(data), created_by=actor
    )


@transaction.atomic
def version_update_draft(
    version: QuestionnaireVersion, data: dict, *, actor
) -> QuestionnaireVersion:
    version = QuestionnaireVersion.objects.select_for_update().get(pk=version.pk)
    if version.state != QuestionnaireVersion.State.DRAFT:
        raise ValidationError(
            _("Una versione pubblicata non si modifica: crea una nuova versione.")
        )
    version.definition = _checked(data)
    version.save(update_fields=["definition"])
    return version


@transaction.atomic
def version_publish(version: QuestionnaireVersion, *, actor) -> QuestionnaireVersion:
    version = QuestionnaireVersion.objects.select_for_update().get(pk=version.pk)
    if version.state != QuestionnaireVersion.State.DRAFT:
        raise ValidationError(_("Questa versione è già pubblicata."))
    _checked(version.definition)
    version.state = QuestionnaireVersion.State.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["state", "published_at"])
    return version


@transaction.atomic
def questionnaire_copy(version: QuestionnaireVersion, *, ats, actor) -> QuestionnaireVersion:
    """An ATS's own questionnaire starting from a version (the standard one, typically): a draft
    to adapt, then publish."""
    base = version.questionnaire.code
    code, n = base, 1
    while Questionnaire.objects.filter(ats=ats, code=code).exists():
        n += 1
        code = f"{base}-{n}"
    questionnaire = Questionnaire.objects.create(
        code=code, ats=ats, title=version.questionnaire.title
    )
    return QuestionnaireVersion.objects.create(
        questionnaire=questionnaire,
        number=1,
        definition=version.definition,
        created_by=actor,
    )
