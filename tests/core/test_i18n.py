import re
import shutil
import subprocess
from pathlib import Path

import pytest

PO = Path(__file__).resolve().parents[2] / "equilibri/locale/en/LC_MESSAGES/django.po"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext is not installed")
def test_english_catalogue_is_complete():
    result = subprocess.run(
        ["msgfmt", "--statistics", "--check", "-o", "/dev/null", str(PO)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    stats = result.stderr
    assert "untranslated" not in stats and "fuzzy" not in stats, stats
    assert int(re.match(r"(\d+) translated", stats).group(1)) > 100


@pytest.mark.django_db
def test_english_pages_are_in_english(client):
    page = client.get("/en/").content.decode()
    assert "Search for a service" in page or "Find a service" in page
    assert "Cerca un servizio" not in page
