"""The one way the platform sends e-mail.

`send(to, "app/mail/name", context)` renders `templates/app/mail/name.subject.txt` and
`name.txt` (plus `name.html` when it exists) in the active language, now, from the state the
transaction sees; the message leaves through the task queue (`send_message`, run by `db_worker`)
only once the transaction commits, so a rolled-back change e-mails nobody and a slow mail server
never holds a request. Links in e-mails are absolute: `absolute_url()` here, `{% absolute_url %}`
and `|absolute` in templates (`{% load mail %}`), all from `SITE_URL`.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django_tasks import task


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes | str
    mimetype: str


def absolute_url(path: str) -> str:
    """`path` (e.g. a `reverse()`) as a full address on `SITE_URL`; full addresses unchanged."""
    if "://" in path:
        return path
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def absolute_reverse(viewname: str, *args: Any) -> str:
    return absolute_url(reverse(viewname, args=args or None))


def _addresses(to: Any) -> list[str]:
    """E-mail addresses of `to`: a user or an address, or an iterable of them. Users whose
    account is inactive get nothing; blanks and repeats are dropped."""
    if to is None or isinstance(to, str) or hasattr(to, "email"):
        to = [to]
    found: list[str] = []
    for recipient in to:
        if recipient is None:
            continue
        if isinstance(recipient, str):
            address = recipient
        elif getattr(recipient, "is_active", True):
            address = recipient.email
        else:
            continue
        address = (address or "").strip()
        if address and address not in found:
            found.append(address)
    return sorted(found)


def _render_text(name: str, context: dict[str, Any]) -> str:
    # Plain text: nothing to escape (an apostrophe must stay an apostrophe).
    return get_template(name).template.render(Context(context, autoescape=False))  # type: ignore[attr-defined]


def render(template: str, context: dict[str, Any]) -> tuple[str, str, str | None]:
    """(subject, text, html or None) of the template pair `template`."""
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    subject = " ".join(_render_text(f"{template}.subject.txt", context).split())
    # Paragraphs left out by an {% if %} leave no run of blank lines behind.
    text = re.sub(r"\n{3,}", "\n\n", _render_text(f"{template}.txt", context).strip()) + "\n"
    try:
        html: str | None = get_template(f"{template}.html").render(context)
    except TemplateDoesNotExist:
        html = None
    return subject, text, html


def send(
    to: Any,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    attachments: Iterable[Attachment] = (),
    reply_to: str | None = None,
) -> None:
    """One e-mail to every address of `to` (users, addresses, or a mix), sent on commit."""
    recipients = _addresses(to)
    if not recipients:
        return
    subject, text, html = render(template, context or {})
    message = {
        "to": recipients,
        "subject": subject,
        "text": text,
        "html": html,
        "reply_to": reply_to,
        # Task arguments are JSON: bytes travel as base64.
        "attachments": [
            {
                "filename": a.filename,
                "content": base64.b64encode(
                    a.content.encode() if isinstance(a.content, str) else a.content
                ).decode("ascii"),
                "mimetype": a.mimetype,
            }
            for a in attachments
        ],
    }
    _enqueue(message)


def send_prepared(email: Any) -> None:
    """A message another library rendered (an `EmailMessage`, e.g. allauth's), sent the same way
    as ours: through the task queue once the transaction commits."""
    html = next(
        (
            content
            for content, mimetype in getattr(email, "alternatives", [])
            if mimetype == "text/html"
        ),
        None,
    )
    if getattr(email, "content_subtype", "plain") == "html":
        text, html = "", email.body
    else:
        text = email.body
    recipients = _addresses(email.to)
    if recipients:
        _enqueue(
            {
                "to": recipients,
                "subject": email.subject,
                "text": text,
                "html": html,
                "reply_to": email.reply_to[0] if email.reply_to else None,
                "attachments": [],
            }
        )


def _enqueue(message: dict[str, Any]) -> None:
    transaction.on_commit(
        lambda: send_message.using(backend=settings.MAIL_TASK_BACKEND).enqueue(message)
    )


@task()
def send_message(message: dict[str, Any]) -> int:
    """Run by the worker: the rendered message, sent. A failure raises, so the task is marked
    failed with its traceback rather than the e-mail silently lost."""
    from django.core.mail import EmailMultiAlternatives

    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["text"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=message["to"],
        reply_to=[message["reply_to"]] if message.get("reply_to") else None,
    )
    if message.get("html"):
        email.attach_alternative(message["html"], "text/html")
    for attachment in message.get("attachments", []):
        email.attach(
            attachment["filename"],
            base64.b64decode(attachment["content"]),
            attachment["mimetype"],
        )
    return email.send()
