import pytest

from equilibri.plans.models import Committee, Project

PROPOSAL = "Proposta – Conciliare in Valle Olona"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def proposal(db) -> Project:
    return Project.objects.select_related("plan").get(title=PROPOSAL)


@pytest.fixture
def insubria(db) -> Committee:
    return Committee.objects.get(ats__code="ATS-INS")
