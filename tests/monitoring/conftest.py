import pytest

from equilibri.plans.models import MonitoringReport, Project

TRADATE = "Ancora... ELAVOROEFAMIGLIA"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded documents go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def tradate(db) -> Project:
    return Project.objects.select_related("plan").get(title=TRADATE)


@pytest.fixture
def report_of(tradate):
    def get(state: str) -> MonitoringReport:
        return MonitoringReport.objects.get(project=tradate, state=state)

    return get
