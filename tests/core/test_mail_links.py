"""Every link in every e-mail is absolute: each template pair of every app, rendered through
core.mail.render with a context that answers any name, has no relative address."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from equilibri.core.mail import render

ROOT = Path(__file__).resolve().parents[2] / "equilibri"
TEMPLATES = sorted(
    str(path.relative_to(path.parents[2]))[: -len(".txt")]
    for path in ROOT.glob("*/templates/*/mail/*.txt")
    if not path.name.endswith(".subject.txt") and not path.name.startswith("_")
)
SITE = "https://equilibri.example.it"
# A path of the site written without it: after a space, a bracket or a quote, "/word/".
BARE_PATH = re.compile(r"(?:^|[\s(\"'<«])/(?!/)[\w-]+/", re.MULTILINE)


class Anything(str):
    """A value for every name a template asks for: a string ("1", good as an URL argument)
    with any attribute, any item, one element when iterated, a count of 1."""

    def __new__(cls):
        return super().__new__(cls, "1")

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name.endswith(("date", "due", "_at", "_on")):  # read through |date
            return datetime.datetime(2026, 12, 7, 10, 30, tzinfo=datetime.UTC)
        return Anything()

    def __getitem__(self, key):
        # Templates try an item before an attribute: the same answer either way.
        return self.__getattr__(key) if isinstance(key, str) else Anything()

    def __iter__(self):
        return iter([Anything()])

    def __len__(self):
        return 1

    def __int__(self):
        return 1


def _names() -> set[str]:
    """Every name any mail template (or the partials it includes) reads."""
    found: set[str] = set()
    for path in ROOT.glob("*/templates/*/mail/*"):
        found |= set(re.findall(r"\b([a-z_][a-z0-9_]*)\b", path.read_text()))
    return found - {"site_url", "site_name", "true", "false"}


NAMES = _names()


def test_every_mail_template_is_found():
    assert len(TEMPLATES) > 30


@pytest.mark.django_db
@override_settings(SITE_URL=SITE)
@pytest.mark.parametrize("template", TEMPLATES)
def test_links_in_mail_are_absolute(template):
    context = {name: Anything() for name in NAMES}
    _subject, text, html = render(template, context)
    for body in (text, html or ""):
        assert 'href="/' not in body, template
        bare = BARE_PATH.search(body)
        assert bare is None, (
            f"{template}: relative address in …{body[bare.start() - 60 : bare.end() + 40]}…"
        )
    assert settings.SITE_URL == SITE
