"""The knowledge base: shared answers, each edit a new version."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..models import KnowledgeArticle, KnowledgeArticleVersion


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "scheda"
    slug, n = base, 2
    while KnowledgeArticle.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def article_create(
    *,
    title: str,
    body: str,
    summary: str = "",
    tags: str = "",
    source_url: str = "",
    is_public: bool = False,
    review_due: date | None = None,
    owner=None,
    by,
) -> KnowledgeArticle:
    article = KnowledgeArticle(
        slug=_unique_slug(title),
        title=title.strip(),
        summary=summary.strip(),
        body=body.strip(),
        tags=tags.strip(),
        source_url=source_url,
        is_public=is_public,
        review_due=review_due,
        owner=owner or by,
        version=1,
    )
    article.full_clean()
    article.save()
    KnowledgeArticleVersion.objects.create(
        article=article,
        number=1,
        title=article.title,
        summary=article.summary,
        body=article.body,
        tags=article.tags,
        note=_("Prima versione"),
        edited_by=by,
    )
    return article


@transaction.atomic
def article_update(
    *,
    article: KnowledgeArticle,
    by,
    expected_version: int | None = None,
    note: str = "",
    **fields,
) -> KnowledgeArticle:
    """Every edit is a new version; an edit made on an older version than the current one is
    refused (someone else saved meanwhile), so nobody overwrites another's text unseen."""
    article = KnowledgeArticle.objects.select_for_update().get(pk=article.pk)
    if expected_version is not None and expected_version != article.version:
        raise ValidationError(
            _(
                "Nel frattempo qualcuno ha salvato una nuova versione (v%(version)s): rileggi la "
                "scheda e riporta le tue modifiche."
            )
            % {"version": article.version}
        )
    allowed = {"title", "summary", "body", "tags", "source_url", "is_public", "review_due", "owner"}
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(name)
        setattr(article, name, value.strip() if isinstance(value, str) else value)
    article.version += 1
    article.full_clean()
    article.save()
    KnowledgeArticleVersion.objects.create(
        article=article,
        number=article.version,
        title=article.title,
        summary=article.summary,
        body=article.body,
        tags=article.tags,
        note=note.strip(),
        edited_by=by,
    )
    return article
