"""The search vocabulary ATS operators keep in the reserved area: entries over the vocabulary
files, each change a version (listed, restorable, audited), checked before it is saved,
previewed on a sample search, read by every search at once; each site reads its language's
words (English words never change an Italian search). On either database."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from equilibri.catalogue import lexicon as lexicon_module
from equilibri.catalogue import services as catalogue
from equilibri.catalogue import spelling
from equilibri.catalogue.lexicon import VERSION_KEY, lexicon
from equilibri.catalogue.models import VocabularyVersion
from equilibri.catalogue.search import SearchQuery, search_services

pytestmark = pytest.mark.django_db

CAMP = "Centro estivo"  # words of demo services' names (tradate-centro-estivo)


@pytest.fixture(autouse=True)
def _fresh_vocabulary():
    lexicon_module.forget()
    spelling.forget()
    yield
    lexicon_module.forget()
    spelling.forget()


def names(text: str, language: str = "it") -> list[str]:
    with translation.override(language):
        return [h.card.name for h in search_services(SearchQuery(text=text, per_page=50)).hits]


def add(operator, capture, language="it", **fields):
    fields = {"kind": "concept", "taxonomy": "", **fields}
    with capture(execute=True):
        return catalogue.vocabulary_save_entry(language=language, by=operator, **fields)


def test_a_saved_concept_changes_the_search_at_once_and_is_a_version(
    user_of, django_capture_on_commit_callbacks
):
    operator = user_of("operatore.insubria")
    assert names("zumzumzum") == []
    version = add(
        operator,
        django_capture_on_commit_callbacks,
        term="ＺＵＭＺＵＭＺＵＭ",  # full-width: NFKC makes it plain letters
        meanings=["centro estivo", "", "  campo   estivo "],
    )
    assert version.number == 1 and version.created_by == operator
    assert version.entries == [
        {
            "kind": "concept",
            "term": "ZUMZUMZUM",
            "meanings": ["centro estivo", "campo estivo"],
            "taxonomy": "",
        }
    ]
    found = names("zumzumzum")
    assert found and all("estiv" in n.lower() or "camp" in n.lower() for n in found[:3])
    # Audited (a save), with who.
    entry = LogEntry.objects.get_for_object(version).get()
    assert entry.actor == operator or entry.action == LogEntry.Action.CREATE
    # Removed: a new version, the search forgets it.
    with django_capture_on_commit_callbacks(execute=True):
        removed = catalogue.vocabulary_remove_entry(language="it", term="ZUMZUMZUM", by=operator)
    assert removed.number == 2 and removed.entries == []
    assert names("zumzumzum") == []
    # Restoring version 1 makes version 3 with its entries.
    with django_capture_on_commit_callbacks(execute=True):
        restored = catalogue.vocabulary_restore(version=version, by=operator)
    assert restored.number == 3 and restored.restored_from == version
    assert restored.entries == version.entries and names("zumzumzum")
    assert list(VocabularyVersion.objects.values_list("number", flat=True)) == [3, 2, 1]


def test_the_search_reads_a_change_through_the_shared_version_not_the_database(
    user_of, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from django.core.cache import caches

    lexicon()  # built and cached for this version
    with django_assert_num_queries(0):
        lexicon()  # one look-up in the shared cache, no query
    add(
        user_of("operatore.insubria"),
        django_capture_on_commit_callbacks,
        term="zumzumzum",
        meanings=["centro estivo"],
    )
    assert (
        caches["default"].get(VERSION_KEY).startswith(str(VocabularyVersion.objects.get().pk) + ":")
    )
    assert ("zumzumzum",) in lexicon().meanings


def test_a_synonym_and_a_category_and_an_acronym(user_of, django_capture_on_commit_callbacks):
    from equilibri.catalogue.models import TaxonomyTerm

    operator = user_of("operatore.insubria")
    term = TaxonomyTerm.objects.filter(services__isnull=False).distinct().first()
    add(
        operator,
        django_capture_on_commit_callbacks,
        kind="synonym",
        term="zumzum",
        meanings=["zamzam"],
        taxonomy=term.code,
    )
    meanings = lexicon().meanings
    assert ("zamzam",) in meanings[("zumzum",)] and ("zumzum",) in meanings[("zamzam",)]
    assert names("zamzam")  # the category's services
    add(operator, django_capture_on_commit_callbacks, kind="acronym", term="ZQ", meanings=["nido"])
    assert ("nido",) in lexicon().meanings[("zq",)]


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"term": "   "}, "term", "Scrivi una parola"),
        ({"term": "di la per"}, "term", "non ha parole"),
        ({"term": "z" * 61}, "term", "troppo lunga"),
        ({"meanings": ["", " "]}, "meanings", "almeno un significato"),
        ({"meanings": ["nido", "Nido"]}, "meanings", "ripetuta"),
        ({"meanings": ["zumzum"]}, "meanings", "ripetuta"),
        ({"meanings": [f"m{i}" for i in range(13)]}, "meanings", "Al massimo"),
        ({"kind": "acronym", "term": "due parole"}, "term", "sola parola"),
        ({"kind": "other"}, "kind", "tipo"),
        ({"taxonomy": "no-such-term"}, "taxonomy", "Categoria sconosciuta"),
    ],
)
def test_a_bad_entry_is_refused_with_a_clear_message(user_of, fields, field, message):
    entry = {"kind": "concept", "term": "zumzum", "meanings": ["nido"], "taxonomy": "", **fields}
    with pytest.raises(ValidationError) as error:
        catalogue.vocabulary_save_entry(language="it", by=user_of("operatore.insubria"), **entry)
    assert message in " ".join(error.value.message_dict[field])
    assert not VocabularyVersion.objects.exists()


def test_duplicates_and_cycles_are_refused(user_of, django_capture_on_commit_callbacks):
    operator = user_of("operatore.insubria")
    add(operator, django_capture_on_commit_callbacks, term="zumzum", meanings=["zamzam"])
    add(operator, django_capture_on_commit_callbacks, term="zamzam", meanings=["zimzim"])
    with pytest.raises(ValidationError, match="già una voce"):
        catalogue.vocabulary_save_entry(
            language="it", by=operator, kind="concept", term="Zumzum", meanings=["nido"]
        )
    with pytest.raises(ValidationError, match="tornerebbe a sé stessa"):
        catalogue.vocabulary_save_entry(
            language="it", by=operator, kind="concept", term="zimzim", meanings=["zumzum"]
        )
    add(operator, django_capture_on_commit_callbacks, kind="synonym", term="ab1", meanings=["ab2"])
    with pytest.raises(ValidationError, match="già tra i sinonimi"):
        catalogue.vocabulary_save_entry(
            language="it", by=operator, kind="synonym", term="ab3", meanings=["ab2"]
        )
    # Editing an entry replaces it (its own term is no duplicate).
    edited = catalogue.vocabulary_save_entry(
        language="it",
        by=operator,
        replaces="zumzum",
        kind="concept",
        term="zumzum",
        meanings=["nido"],
    )
    assert {e["term"]: e["meanings"] for e in edited.entries}["zumzum"] == ["nido"]


def test_only_ats_operators_change_it(user_of):
    with pytest.raises(PermissionDenied):
        catalogue.vocabulary_save_entry(
            language="it",
            by=user_of("ente.aquilone"),
            kind="concept",
            term="zumzum",
            meanings=["nido"],
        )


def test_english_words_only_on_the_english_site(user_of, django_capture_on_commit_callbacks):
    # The files: "after school" is English, read by the English site only.
    assert ("after", "school") not in lexicon("it").meanings
    assert ("doposcuola",) in lexicon("en").meanings[("after", "school")]
    assert names("after school", "it") == []
    assert names("after school", "en")
    # The operators' entries: an English one on the English site only; an Italian one on both
    # (the English site's visitors may type the catalogue's Italian words).
    operator = user_of("operatore.insubria")
    add(operator, django_capture_on_commit_callbacks, "en", term="zumzum", meanings=["nido"])
    add(operator, django_capture_on_commit_callbacks, "it", term="zamzam", meanings=["nido"])
    assert ("zumzum",) not in lexicon("it").meanings
    assert ("zumzum",) in lexicon("en").meanings and ("zamzam",) in lexicon("en").meanings


def test_the_page_previews_saves_removes_and_restores(user_of):
    client = Client()
    client.force_login(user_of("operatore.insubria"))
    url = reverse("catalogue:vocabulary")
    page = client.get(url).content.decode()
    assert "Vocabolario della ricerca" in page and "Nessuna voce aggiunta" in page
    form = {
        "lingua": "it",
        "language": "it",
        "kind": "concept",
        "term": "zumzumzum",
        "meanings": "centro estivo\ncampo estivo",
        "sample": "zumzumzum a Tradate",
    }
    preview = client.post(url, {**form, "action": "preview"}).content.decode()
    assert "Anteprima" in preview and "Con la modifica" in preview
    assert "Vicino a: Tradate" in preview and "centro estivo" in preview
    assert not VocabularyVersion.objects.exists()  # a preview saves nothing
    response = client.post(url, {**form, "action": "save"})
    assert response.status_code == 302 and response["Location"].endswith("?lingua=it")
    assert VocabularyVersion.objects.get().entries[0]["term"] == "zumzumzum"
    page = client.get(url + "?lingua=it&modifica=zumzumzum").content.decode()
    assert "Modifica «zumzumzum»" in page
    # A bad entry: the message on the form, nothing saved.
    bad = client.post(url, {**form, "term": "di", "action": "save"}).content.decode()
    assert "non ha parole" in bad and VocabularyVersion.objects.count() == 1
    response = client.post(reverse("catalogue:vocabulary_remove"), {"lingua": "it", "term": "x"})
    assert response.status_code == 302 and VocabularyVersion.objects.count() == 1
    client.post(reverse("catalogue:vocabulary_remove"), {"lingua": "it", "term": "zumzumzum"})
    assert VocabularyVersion.objects.count() == 2
    first = VocabularyVersion.objects.get(number=1)
    client.post(reverse("catalogue:vocabulary_restore", args=[first.pk]))
    assert VocabularyVersion.objects.order_by("-number").first().entries == first.entries
    page = client.get(url).content.decode()
    assert "Ripristinata la versione 1" in page
    # Hostile input: never a 500.
    assert client.post(url, {"lingua": "xx", "action": "save"}).status_code == 200
    assert client.get(url + "?lingua=zz&modifica=" + "x" * 5000).status_code == 200
