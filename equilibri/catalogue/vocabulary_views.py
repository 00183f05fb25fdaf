"""The search vocabulary in the reserved area (/area-riservata/servizi/vocabolario/): ATS
operators add, edit and remove synonyms, acronyms and concepts of each language, preview a
change on a sample search, and restore an older version (services/vocabulary.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from equilibri.accounts.decorators import staff_permission_required
from equilibri.core.forms import apply_errors

from . import services
from .lexicon import build_lexicon
from .models import VocabularyVersion
from .vocabulary_forms import VocabularyEntryForm

VERSIONS_SHOWN = 30


def _language(value: str | None) -> str:
    return value if value in VocabularyVersion.Language.values else "it"


def _back(language: str) -> HttpResponse:
    return redirect(f"{reverse('catalogue:vocabulary')}?lingua={language}")


@staff_permission_required("services.moderate")
def vocabulary(request: HttpRequest) -> HttpResponse:
    """The language's entries, the form to add or edit one (with its preview), the versions."""
    source = request.POST if request.method == "POST" else request.GET
    language = _language(source.get("lingua") or source.get("language"))
    entries = services.vocabulary_entries(language)
    editing = next((e for e in entries if e["term"] == request.GET.get("modifica")), None)
    initial = {"language": language, "kind": "synonym"}
    if editing:
        initial |= {
            "replaces": editing["term"],
            "kind": editing["kind"],
            "term": editing["term"],
            "meanings": "\n".join(editing["meanings"]),
            "taxonomy": editing.get("taxonomy", ""),
        }
    form = VocabularyEntryForm(request.POST if request.method == "POST" else None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        fields = form.entry_fields()
        language = fields["language"]
        try:
            if request.POST.get("action") == "save":
                services.vocabulary_save_entry(by=request.user, **fields)
                messages.success(request, _("Vocabolario salvato: vale da subito per le ricerche."))
                return _back(language)
            entry = services.clean_entry(**fields)
            preview = services.vocabulary_preview(
                language=language,
                text=form.cleaned_data["sample"] or entry["term"],
                entry=entry,
                replaces=fields["replaces"],
            )
        except ValidationError as error:
            apply_errors(form, error)
    versions = VocabularyVersion.objects.filter(language=language).select_related("created_by")
    shipped = build_lexicon(language, entries=[]).meanings
    return render(
        request,
        "services/reserved/vocabulary.html",
        {
            "language": language,
            "languages": VocabularyVersion.Language.choices,
            "entries": entries,
            "editing": editing,
            "form": form,
            "preview": preview,
            "versions": versions.order_by("-number")[:VERSIONS_SHOWN],
            "current": versions.order_by("-number").values_list("number", flat=True).first(),
            "shipped_count": len(shipped),
        },
    )


@require_POST
@staff_permission_required("services.moderate")
def vocabulary_remove(request: HttpRequest) -> HttpResponse:
    language = _language(request.POST.get("lingua"))
    term = request.POST.get("term", "")[:200]
    try:
        services.vocabulary_remove_entry(language=language, term=term, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Voce tolta: «%(term)s».") % {"term": term})
    return _back(language)


@require_POST
@staff_permission_required("services.moderate")
def vocabulary_restore(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(VocabularyVersion, pk=pk)
    services.vocabulary_restore(version=version, by=request.user)
    messages.success(
        request, _("Ripristinata la versione %(n)s del vocabolario.") % {"n": version.number}
    )
    return _back(version.language)
