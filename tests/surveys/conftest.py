import pytest

from equilibri.surveys.models import Campaign, Distribution

INSUBRIA = "Bisogni di conciliazione 2026 – ATS Insubria"

# The standard questionnaire answered page by page, as a person would (POST data per section).
STANDARD_ANSWERS = [
    {
        "q_genere": "donna",
        "q_eta": "da30a39",
        "q_comune": "Tradate",
        "q_nucleo": "4",
        "q_figli": "si",
        "q_eta_figli": ["da3a5", "da6a10"],
        "q_cura": "no",
    },
    {
        "q_contratto": "part_time",
        "q_ore": "30",
        "q_turni": "no",
        "q_tragitto": "25",
        "q_smart_working": "occasionale",
    },
    {
        "q_servizi_usati": ["pre_post_scuola"],
        "q_servizi_mancanti": ["centri_estivi", "pre_post_scuola"],
        "q_ostacoli__costo": "molto",
        "q_ostacoli__orari": "molto",
        "q_ostacoli__distanza": "poco",
        "q_ostacoli__posti": "per_niente",
        "q_ostacoli__informazioni": "poco",
        "q_da_quando": "2026-09-07",
        "q_difficolta": "4",
    },
    {"q_aiuto_principale": "scuola", "q_suggerimenti": "Un pre-scuola dalle 7:30."},
]


@pytest.fixture
def campaign(db) -> Campaign:
    return Campaign.objects.get(title=INSUBRIA)


@pytest.fixture
def open_channel(campaign) -> Distribution:
    return campaign.distributions.get(kind=Distribution.Kind.OPEN)
