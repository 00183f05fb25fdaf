"""The one mail service (equilibri/core/mail.py): template pair, absolute links, language,
sent only when the transaction commits, inactive accounts skipped, attachments kept."""

import pytest
from django.core import mail as outbox
from django.db import transaction
from django.utils import translation

from equilibri.core import mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def templates(settings, tmp_path):
    """A template pair (and its HTML part) of a made-up app, in a folder of its own."""
    folder = tmp_path / "probe" / "mail"
    folder.mkdir(parents=True)
    (folder / "greeting.subject.txt").write_text(
        "{% load i18n %}\n  {% translate 'Adesione alla rete respinta' %}: {{ name }}\n"
    )
    (folder / "greeting.txt").write_text(
        "{% load mail %}Ciao {{ name }},\n\n\n\n"
        "{% absolute_url 'desks_public:desk_detail' 7 %}\n{{ '/piani/'|absolute }}\n"
    )
    (folder / "greeting.html").write_text("<p>Ciao {{ name }}</p>")
    (folder / "plain.subject.txt").write_text("Oggetto")
    (folder / "plain.txt").write_text("Testo")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0].get("DIRS", [])]}
    ]
    settings.SITE_URL = "https://equilibri.example.org/"
    return "probe/mail"


def test_renders_the_pair_with_absolute_links_and_plain_text_unescaped(
    templates, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mail.send("ada@example.org", f"{templates}/greeting", {"name": "O'Brien & <Co>"})
    (message,) = outbox.outbox
    assert message.to == ["ada@example.org"]
    # One line, spaces collapsed; the text as written (no HTML escaping in plain text).
    assert message.subject == "Adesione alla rete respinta: O'Brien & <Co>"
    assert message.body == (
        "Ciao O'Brien & <Co>,\n\n"
        "https://equilibri.example.org/sportelli/7/\n"
        "https://equilibri.example.org/piani/\n"
    )
    # The HTML part is escaped as HTML.
    assert message.alternatives[0][0] == "<p>Ciao O&#x27;Brien &amp; &lt;Co&gt;</p>"
    assert message.alternatives[0][1] == "text/html"


def test_without_an_html_template_the_message_is_plain_text(
    templates, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mail.send("ada@example.org", f"{templates}/plain", reply_to="bob@example.org")
    (message,) = outbox.outbox
    assert (message.subject, message.body, message.alternatives) == ("Oggetto", "Testo\n", [])
    assert message.reply_to == ["bob@example.org"]


def test_written_in_the_active_language(templates, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        mail.send("ada@example.org", f"{templates}/greeting", {"name": "Ada"})
    assert outbox.outbox[0].subject == "Network membership rejected: Ada"


def test_nothing_is_sent_before_the_commit_nor_after_a_rollback(
    templates, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            mail.send("ada@example.org", f"{templates}/plain")
            raise RuntimeError("the change fails")
        with transaction.atomic():
            mail.send("bob@example.org", f"{templates}/plain")
            assert outbox.outbox == []  # not before the commit
    assert [m.to for m in outbox.outbox] == [["bob@example.org"]]


def test_inactive_accounts_blanks_and_repeats_are_skipped(
    templates, django_user_model, django_capture_on_commit_callbacks
):
    active = django_user_model.objects.create_user(email="active@example.org", password="x")
    gone = django_user_model.objects.create_user(
        email="gone@example.org", password="x", is_active=False
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        mail.send([active, gone, "", None, "active@example.org"], f"{templates}/plain")
        mail.send(gone, f"{templates}/plain")
    assert len(callbacks) == 1  # nobody to write to: nothing queued
    assert [m.to for m in outbox.outbox] == [["active@example.org"]]


def test_attachments_survive_the_queue(settings, templates, django_capture_on_commit_callbacks):
    # The database queue, as in production: the message is stored as JSON, then sent by the
    # worker.
    from django_tasks_db.models import DBTaskResult

    settings.MAIL_TASK_BACKEND = "default"
    binary = bytes(range(256))
    with django_capture_on_commit_callbacks(execute=True):
        mail.send(
            "ada@example.org",
            f"{templates}/plain",
            attachments=[
                mail.Attachment("appuntamento.ics", "BEGIN:VCALENDAR\r\nà\r\n", "text/calendar"),
                mail.Attachment("dati.bin", binary, "application/octet-stream"),
            ],
        )
    assert outbox.outbox == []  # queued, not sent
    (queued,) = DBTaskResult.objects.all()
    assert queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"]) == 1
    (message,) = outbox.outbox
    assert message.attachments[0] == (
        "appuntamento.ics",
        "BEGIN:VCALENDAR\r\nà\r\n",
        "text/calendar",
    )
    assert message.attachments[1] == ("dati.bin", binary, "application/octet-stream")


def test_absolute_url_keeps_full_addresses(settings):
    settings.SITE_URL = "https://equilibri.example.org"
    assert mail.absolute_url("/a/b/") == "https://equilibri.example.org/a/b/"
    assert mail.absolute_url("https://elsewhere.example/x") == "https://elsewhere.example/x"
