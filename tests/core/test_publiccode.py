"""publiccode.yml against the rules of the publiccode.yml standard that can be checked offline
(https://yml.publiccode.tools, core schema and the Italian extension). No official validator
runs here, so the rules are written out: mandatory keys, the standard's value sets, the length
limits of the descriptions, dates as YYYY-MM-DD, and the version equal to pyproject.toml's."""

import datetime
import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

DEVELOPMENT_STATUS = {"concept", "development", "beta", "stable", "obsolete"}
SOFTWARE_TYPES = {
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
}
PLATFORMS = {"web", "windows", "mac", "linux", "ios", "android"}
MAINTENANCE_TYPES = {"internal", "contract", "community", "none"}
# The standard's controlled vocabulary (categories-list), the part a platform like this one may use.
CATEGORIES = {
    "appointment-scheduling",
    "budgeting",
    "business-intelligence",
    "collaboration",
    "communications",
    "contact-management",
    "content-management",
    "customer-service-and-support",
    "data-analytics",
    "data-collection",
    "data-visualization",
    "digital-citizenship",
    "document-management",
    "event-management",
    "financial-reporting",
    "geographic-information-systems",
    "grant-management",
    "help-desk",
    "knowledge-management",
    "online-booking",
    "online-community",
    "project-management",
    "service-desk",
    "survey",
    "workflow-management",
}
SCOPES = {
    "agriculture", "culture", "defence", "education", "emergency-services", "employment",
    "energy", "environment", "finance-and-economic-development", "foreign-affairs", "healthcare",
    "infrastructures", "justice", "local-authorities", "manufacturing", "research",
    "science-and-technology", "security", "society", "sport", "tourism", "transportation",
    "welfare",
}  # fmt: skip
IT_CONFORME = {"lineeGuidaDesign", "modelloInteroperabilita", "misureMinimeSicurezza", "gdpr"}
IT_PIATTAFORME = {"spid", "cie", "anpr", "pagopa", "io"}
# BCP 47: the primary language subtag is the shortest ISO 639 code ("it", not "ita").
BCP47 = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def publiccode() -> dict:
    # BaseLoader keeps every scalar a string, so a date or a version written without quotes
    # is checked as written rather than as what PyYAML's YAML 1.1 rules make of it.
    text = (ROOT / "publiccode.yml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader builds no objects


def test_mandatory_keys(publiccode):
    for key in (
        "publiccodeYmlVersion",
        "name",
        "url",
        "platforms",
        "categories",
        "developmentStatus",
        "softwareType",
        "description",
        "legal",
        "maintenance",
        "localisation",
    ):
        assert publiccode.get(key), key
    assert publiccode["publiccodeYmlVersion"] == "0.4"
    assert publiccode["url"].startswith("https://")
    assert publiccode["landingURL"].startswith("https://")


def test_enumerated_values(publiccode):
    assert publiccode["developmentStatus"] in DEVELOPMENT_STATUS
    assert publiccode["softwareType"] in SOFTWARE_TYPES
    assert set(publiccode["platforms"]) <= PLATFORMS
    assert publiccode["categories"] and set(publiccode["categories"]) <= CATEGORIES
    assert set(publiccode["intendedAudience"]["scope"]) <= SCOPES
    assert publiccode["intendedAudience"]["countries"] == ["it"]
    assert publiccode["maintenance"]["type"] in MAINTENANCE_TYPES


def test_descriptions_in_italian_and_english(publiccode):
    description = publiccode["description"]
    assert set(description) == {"it", "en"}
    for language, text in description.items():
        assert BCP47.match(language), language
        short = text["shortDescription"]
        assert 0 < len(short) <= 150, (language, len(short))
        assert "\n" not in short.strip()
        long = text["longDescription"]
        assert 150 <= len(long) <= 10000, (language, len(long))
        assert text["features"], language
        assert all(feature.strip() for feature in text["features"])


def test_dates_and_version(publiccode):
    assert ISO_DATE.match(publiccode["releaseDate"])
    datetime.date.fromisoformat(publiccode["releaseDate"])
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert publiccode["softwareVersion"] == project["version"]


def test_legal_maintenance_and_localisation(publiccode):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert publiccode["legal"]["license"] == project["license"] == "EUPL-1.2"
    assert publiccode["legal"]["mainCopyrightOwner"]
    assert publiccode["legal"]["repoOwner"]
    assert (
        (ROOT / "LICENSE")
        .read_text(encoding="utf-8")
        .lstrip()
        .startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    )
    maintenance = publiccode["maintenance"]
    if maintenance["type"] in {"internal", "community"}:
        assert maintenance["contacts"] and all(c["name"] for c in maintenance["contacts"])
    if maintenance["type"] == "contract":
        for contractor in maintenance["contractors"]:
            assert contractor["name"] and ISO_DATE.match(contractor["until"])
    localisation = publiccode["localisation"]
    assert localisation["localisationReady"] in {"true", "false"}
    assert {"it", "en"} <= set(localisation["availableLanguages"])
    assert all(BCP47.match(tag) for tag in localisation["availableLanguages"])
    assert (ROOT / publiccode["logo"]).is_file()


def test_dependencies(publiccode):
    open_dependencies = {d["name"]: d for d in publiccode["dependsOn"]["open"]}
    assert {"Python", "SQLite", "PostgreSQL", "Redis"} <= set(open_dependencies)
    for dependency in open_dependencies.values():
        assert set(dependency) <= {"name", "version", "versionMin", "versionMax", "optional"}
        assert dependency.get("optional", "false") in {"true", "false"}
    # One of the two databases is enough, and the cache works without Redis.
    for name in ("SQLite", "PostgreSQL", "Redis"):
        assert open_dependencies[name]["optional"] == "true"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == ">=" + open_dependencies["Python"]["versionMin"]


def test_italian_extension(publiccode):
    italy = publiccode["IT"]
    assert italy["countryExtensionVersion"] == "1.0"
    assert set(italy["conforme"]) <= IT_CONFORME
    assert set(italy["piattaforme"]) <= IT_PIATTAFORME
    for value in (*italy["conforme"].values(), *italy["piattaforme"].values()):
        assert value in {"true", "false"}
    # Sign-in is e-mail, password and TOTP: no SPID until it is implemented.
    assert italy["piattaforme"]["spid"] == "false"
