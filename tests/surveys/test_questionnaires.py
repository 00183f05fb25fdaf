"""Questionnaires as data: the definition's checks, the standard regional questionnaire, versions
(a published one never changes) and every answer checked against its version."""

import copy
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from equilibri.surveys import definition as qdef
from equilibri.surveys import services, standard
from equilibri.surveys.answering import SectionForm
from equilibri.surveys.models import Questionnaire, QuestionnaireVersion

pytestmark = pytest.mark.django_db


def small() -> dict:
    return {
        "title": {"it": "Prova", "en": "Test"},
        "sections": [
            {
                "key": "uno",
                "title": "Uno",
                "questions": [
                    {
                        "key": "figli",
                        "type": "single",
                        "required": True,
                        "text": "Figli?",
                        "options": [{"key": "si", "text": "Sì"}, {"key": "no", "text": "No"}],
                    },
                    {
                        "key": "quanti",
                        "type": "number",
                        "integer": True,
                        "min": 1,
                        "max": 10,
                        "required": True,
                        "text": "Quanti?",
                        "show_if": {"question": "figli", "in": ["si"]},
                    },
                    {
                        "key": "servizi",
                        "type": "multiple",
                        "max_choices": 2,
                        "text": "Servizi",
                        "options": [
                            {"key": "a", "text": "A"},
                            {"key": "b", "text": "B"},
                            {"key": "c", "text": "C"},
                            {"key": "nessuno", "text": "Nessuno", "exclusive": True},
                        ],
                    },
                    {"key": "voto", "type": "scale", "min": 1, "max": 5, "text": "Voto"},
                    {
                        "key": "quando",
                        "type": "date",
                        "min": "2026-01-01",
                        "max": "2026-12-31",
                        "text": "Quando",
                    },
                    {"key": "dove", "type": "comune", "text": "Dove", "dimension": "comune"},
                    {"key": "note", "type": "text", "max_length": 20, "text": "Note"},
                    {
                        "key": "griglia",
                        "type": "grid",
                        "required": True,
                        "text": "Griglia",
                        "rows": [{"key": "r1", "text": "R1"}, {"key": "r2", "text": "R2"}],
                        "options": [{"key": "x", "text": "X"}, {"key": "y", "text": "Y"}],
                    },
                ],
            },
            {
                "key": "due",
                "title": "Due",
                "questions": [
                    {
                        "key": "eta",
                        "type": "single",
                        "text": "Età dei figli",
                        "show_if": {"question": "figli", "in": ["si"]},
                        "options": [{"key": "piccoli", "text": "Piccoli"}],
                    },
                ],
            },
        ],
    }


def draft_version() -> QuestionnaireVersion:
    questionnaire = Questionnaire.objects.create(code="prova", title="Prova")
    return QuestionnaireVersion.objects.create(
        questionnaire=questionnaire, number=1, definition=small(), state="published"
    )


# --- The definition -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["sections"][0]["questions"][0].update(type="slider"), "tipo"),
        (
            lambda d: d["sections"][0]["questions"][1].update(
                show_if={"question": "eta", "in": ["x"]}
            ),
            "precedente",
        ),
        (
            lambda d: d["sections"][0]["questions"][1].update(
                show_if={"question": "figli", "in": ["forse"]}
            ),
            "opzioni",
        ),
        (lambda d: d["sections"][0]["questions"][1].update(min=20), "minimo"),
        (
            lambda d: d["sections"][0]["questions"][0]["options"].append(
                {"key": "si", "text": "x"}
            ),
            "ripetuta",
        ),
        (
            lambda d: d["sections"][0]["questions"][0].update(text={"en": "only English"}),
            "italiano",
        ),
        (lambda d: d["sections"][0]["questions"][0].update(key="Figli!"), "chiave"),
        (lambda d: d["sections"][1]["questions"][0].update(key="figli"), "ripetuta"),
        (lambda d: d["sections"][0]["questions"][3].update(max=50), "scala"),
        (lambda d: d["sections"][0]["questions"][4].update(min="31/12/2026"), "data"),
        (lambda d: d["sections"][0]["questions"][6].update(dimension="gender"), "dimensione"),
        (lambda d: d.update(sections=[]), "sezioni"),
    ],
)
def test_definition_refuses_what_cannot_be_a_questionnaire(change, message):
    data = copy.deepcopy(small())
    change(data)
    with pytest.raises(qdef.DefinitionError, match=message):
        qdef.parse(data)


def test_texts_in_italian_and_english():
    parsed = qdef.parse(small())
    with translation.override("en"):
        assert parsed.title == "Test"
        assert parsed.sections[0].title == "Uno"  # no English: the Italian text


# --- The standard regional questionnaire ----------------------------------------------------


def test_standard_questionnaire_is_shipped_published_and_covers_the_needs():
    version = QuestionnaireVersion.objects.get(questionnaire__code=standard.CODE)
    assert version.is_published and version.questionnaire.is_standard
    parsed = version.parsed
    keys = set(parsed.by_key())
    # household, children and ages, care, hours, shifts, commute, smart working, services used,
    # missing and why, what would help most
    assert {
        "nucleo",
        "figli",
        "eta_figli",
        "cura",
        "ore",
        "turni",
        "tragitto",
        "smart_working",
        "servizi_usati",
        "servizi_mancanti",
        "ostacoli",
        "aiuto_principale",
    } <= keys
    assert {q.type for q in parsed.questions()} == set(qdef.TYPES)
    assert {q.dimension for q in parsed.questions()} - {""} == set(qdef.DIMENSIONS)
    for question in parsed.questions():
        assert question.texts.get("en"), question.key
        for option in (*question.options, *question.rows):
            assert option.texts.get("en"), (question.key, option.key)


def test_standard_command_is_idempotent_and_versions_a_changed_content(monkeypatch):
    call_command("load_standard_questionnaire", stdout=None)
    assert QuestionnaireVersion.objects.filter(questionnaire__code=standard.CODE).count() == 1
    changed = standard.definition()
    changed["title"]["it"] = "Rilevazione 2027"
    monkeypatch.setattr(standard, "definition", lambda: changed)
    version, created = services.standard_questionnaire_load()
    assert created and version.number == 2 and version.is_published
    version, created = services.standard_questionnaire_load()
    assert not created


# --- Versions ---------------------------------------------------------------------------------


def test_a_published_version_never_changes(user_of):
    actor = user_of("operatore.insubria")
    questionnaire = Questionnaire.objects.create(code="mio", title="Mio")
    draft = services.version_create_draft(questionnaire, small(), actor=actor)
    data = small()
    data["title"]["it"] = "Corretto"
    services.version_update_draft(draft, data, actor=actor)
    services.version_publish(draft, actor=actor)
    with pytest.raises(ValidationError, match="non si modifica"):
        services.version_update_draft(draft, small(), actor=actor)
    with pytest.raises(ValidationError, match="già pubblicata"):
        services.version_publish(draft, actor=actor)
    second = services.version_create_draft(questionnaire, small(), actor=actor)
    assert second.number == 2
    with pytest.raises(ValidationError, match="non è valido"):
        services.version_create_draft(questionnaire, {"sections": []}, actor=actor)


def test_copy_of_the_standard_for_an_ats(user_of):
    from equilibri.territory.models import ATS

    standard_version = QuestionnaireVersion.objects.get(questionnaire__code=standard.CODE)
    ats = ATS.objects.get(name__icontains="Insubria")
    copy_version = services.questionnaire_copy(
        standard_version, ats=ats, actor=user_of("operatore.insubria")
    )
    assert copy_version.state == "draft" and copy_version.questionnaire.ats == ats
    assert copy_version.definition == standard_version.definition


# --- Answers against the version ------------------------------------------------------------


def form(data: dict, prior=None, section=0, version=None) -> SectionForm:
    version = version or draft_version()
    return SectionForm(version, section, prior or {}, {"version": version.pk, **data})


def test_valid_section_gives_its_rows():
    f = form(
        {
            "q_figli": "si",
            "q_quanti": "2",
            "q_servizi": ["a", "b"],
            "q_voto": "4",
            "q_quando": "2026-09-01",
            "q_dove": "Tradate",
            "q_note": "ok",
            "q_griglia__r1": "x",
            "q_griglia__r2": "y",
        }
    )
    assert f.is_valid(), f.errors
    rows = f.answer_rows()
    assert rows["figli"] == [{"option": "si"}]
    assert rows["quanti"] == [{"number": Decimal(2)}]
    assert rows["servizi"] == [{"option": "a"}, {"option": "b"}]
    assert rows["voto"] == [{"option": "4", "number": Decimal(4)}]
    assert rows["quando"] == [{"text": "2026-09-01"}]
    assert rows["dove"][0]["option"] == "012127"  # Tradate's ISTAT code
    assert rows["griglia"] == [{"row": "r1", "option": "x"}, {"row": "r2", "option": "y"}]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"q_figli": "forse"}, "q_figli", "Scegli"),  # not an option
        ({"q_figli": "si"}, "q_quanti", "Rispondi"),  # required once its condition holds
        ({"q_figli": "si", "q_quanti": "11"}, "q_quanti", "minore"),  # above the maximum
        ({"q_figli": "si", "q_quanti": "1.5"}, "q_quanti", "cifre"),  # not whole
        ({"q_figli": "si", "q_quanti": "tre"}, "q_quanti", "numero"),  # not a number
        ({"q_servizi": ["a", "nessuno"]}, "q_servizi", "insieme"),  # exclusive option
        ({"q_servizi": ["a", "b", "c"]}, "q_servizi", "massimo"),  # max choices
        ({"q_voto": "6"}, "q_voto", "Scegli"),  # outside the scale
        ({"q_quando": "2027-01-01"}, "q_quando", "data tra"),  # date bounds
        ({"q_quando": "2026-02-30"}, "q_quando", "data"),  # not a date
        ({"q_dove": "Atlantide"}, "q_dove", "Non troviamo"),  # unknown comune
        ({"q_note": "x" * 21}, "q_note", "20"),  # too long
        ({"q_griglia__r2": ""}, "q_griglia__r1", "Rispondi"),  # a grid row missing
    ],
)
def test_bad_answers_are_refused_clearly(data, field, message):
    base = {"q_figli": "no", "q_griglia__r1": "x", "q_griglia__r2": "x"}
    f = form({**base, **data})
    assert not f.is_valid()
    assert message in " ".join(f.errors[field]), f.errors


def test_an_answer_whose_condition_does_not_hold_is_dropped():
    f = form({"q_figli": "no", "q_quanti": "3", "q_griglia__r1": "x", "q_griglia__r2": "x"})
    assert f.is_valid(), f.errors
    assert f.answer_rows()["quanti"] == []


def test_a_condition_on_an_earlier_section_hides_the_question():
    version = draft_version()
    hidden = SectionForm(version, 1, {"figli": ["no"]})
    assert hidden.items == []
    shown = SectionForm(version, 1, {"figli": ["si"]})
    assert [item["question"].key for item in shown.items] == ["eta"]


def test_a_page_of_another_version_is_refused():
    version = draft_version()
    f = SectionForm(version, 0, {}, {"version": version.pk + 1000, "q_figli": "no"})
    assert not f.is_valid() and "versione" in " ".join(f.errors["version"])
