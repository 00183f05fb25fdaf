"""allauth's own e-mails leave through the platform's one mail service (core/mail.py): queued as
a task once the transaction commits, never sent from inside the request."""

import pytest
from django.core import mail
from django.urls import reverse

from equilibri.core import mail as core_mail

pytestmark = pytest.mark.django_db


def test_password_reset_mail_goes_through_the_task_queue(
    client, monkeypatch, django_user_model, django_capture_on_commit_callbacks
):
    django_user_model.objects.create_user(email="reset@example.org", password="x" * 16)
    queued = []
    real_enqueue = core_mail._enqueue
    monkeypatch.setattr(
        core_mail, "_enqueue", lambda message: (queued.append(message), real_enqueue(message))
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("account_reset_password"), {"email": "reset@example.org"})
    assert response.status_code == 302
    assert [m["to"] for m in queued] == [["reset@example.org"]]
    assert mail.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    assert "/account/password/reset/" in queued[0]["text"]
    # The immediate task backend of the tests delivered it, as the worker would.
    assert [m.to for m in mail.outbox] == [["reset@example.org"]]
    assert mail.outbox[0].subject == queued[0]["subject"]


def test_a_rolled_back_transaction_sends_no_allauth_mail(django_user_model, rf):
    from allauth.account.adapter import get_adapter
    from allauth.core import context as allauth_context
    from django.db import transaction

    request = rf.get("/")
    with allauth_context.request_context(request):
        try:
            with transaction.atomic():
                get_adapter(request).send_mail(
                    "account/email/password_reset_key",
                    "nobody@example.org",
                    {
                        "password_reset_url": "https://x.invalid/r/",
                        "user": None,
                        "request": request,
                    },
                )
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert mail.outbox == []
