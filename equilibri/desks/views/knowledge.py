"""The knowledge base (articles with versions) and the collective agreements."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.accounts.decorators import staff_permission_required
from equilibri.core.forms import save_form

from .. import selectors, services
from ..forms import AgreementForm, ArticleForm
from ..models import CollectiveAgreement, KnowledgeArticle


@staff_permission_required("desks.read_knowledge")
def article_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    articles = selectors.search_articles(KnowledgeArticle.objects.all(), query)
    if request.headers.get("HX-Request"):
        return render(
            request, "desks/office/_article_results.html", {"articles": articles[:8], "q": query}
        )
    page = Paginator(articles, 25).get_page(request.GET.get("pagina"))
    return render(
        request,
        "desks/office/article_list.html",
        {"page": page, "q": query, "today": timezone.localdate()},
    )


@staff_permission_required("desks.read_knowledge")
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(KnowledgeArticle.objects.select_related("owner"), pk=pk)
    return render(
        request,
        "desks/office/article_detail.html",
        {"article": article, "versions": article.versions.select_related("edited_by")},
    )


@staff_permission_required("desks.edit_knowledge")
def article_create(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(request.POST or None, auto_id="article-%s")
    article = save_form(
        request,
        form,
        lambda data: services.article_create(by=request.user, **_article_fields(data)),
    )
    if article is not None:
        messages.success(request, _("Scheda creata."))
        return redirect("desks:article_detail", pk=article.pk)
    return render(request, "desks/office/article_form.html", {"form": form})


@staff_permission_required("desks.edit_knowledge")
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(KnowledgeArticle, pk=pk)
    form = ArticleForm(
        request.POST or None,
        instance=KnowledgeArticle.objects.get(pk=pk),
        initial={"version": article.version},
        auto_id="article-%s",
    )
    updated = save_form(
        request,
        form,
        lambda data: services.article_update(
            article=article,
            by=request.user,
            expected_version=data["version"],
            note=data["note"],
            **_article_fields(data),
        ),
    )
    if updated is not None:
        messages.success(request, _("Nuova versione salvata."))
        return redirect("desks:article_detail", pk=article.pk)
    return render(request, "desks/office/article_form.html", {"form": form, "article": article})


def _article_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The article form's fields that are the article's (not the edit note, not the version)."""
    return {name: value for name, value in data.items() if name not in {"note", "version"}}


@staff_permission_required("desks.read_knowledge")
def agreement_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    page = Paginator(selectors.search_agreements(query), 25).get_page(request.GET.get("pagina"))
    return render(request, "desks/office/agreement_list.html", {"page": page, "q": query})


@staff_permission_required("desks.edit_knowledge")
def agreement_create(request: HttpRequest) -> HttpResponse:
    return _agreement_form(request, None)


@staff_permission_required("desks.edit_knowledge")
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _agreement_form(request, get_object_or_404(CollectiveAgreement, pk=pk))


def _agreement_form(request: HttpRequest, agreement: CollectiveAgreement | None) -> HttpResponse:
    form = AgreementForm(request.POST or None, instance=agreement, auto_id="agreement-%s")
    saved = save_form(
        request,
        form,
        lambda data: services.agreement_save(agreement=agreement, by=request.user, **data),
    )
    if saved is not None:
        messages.success(request, _("Contratto salvato."))
        return redirect("desks:agreement_list")
    return render(
        request, "desks/office/agreement_form.html", {"form": form, "agreement": agreement}
    )
