"""The search vocabulary the ATS operators keep: synonyms, acronyms and concepts per language,
laid over the vocabulary files (`lexicon.py`), which stay the default.

Every change (an entry added, edited or removed, an older version restored) saves the whole
list of the language's entries as a new `VocabularyVersion`, with who and what changed; being a
save, it is in the audit log too. The search reads the newest version of each language: the
change bumps the catalogue version in its transaction (the page cache then answers afresh) and,
once committed, publishes the vocabulary version (`lexicon.publish_version`), so every server
reads the new vocabulary at its next search (within `lexicon.VERSION_SECONDS` where the cache
is not shared between machines).

An entry: `kind` (synonym: every phrase finds the others; acronym or concept: the term finds
its meanings, one way), `term`, `meanings` (phrases), `taxonomy` (a category's code or ""; the
term then finds that category's services too).

RULES: only ATS operators and the superuser change it; phrases are NFKC text of at most
MAX_PHRASE characters with at least one word the search uses; an acronym is one word; an entry
has 1 to MAX_MEANINGS meanings, none repeated nor equal to the term; a term is in one entry of a
language; a concept never comes back to itself through other concepts (a cycle)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from equilibri.core.identifiers import clean_text

from ..lexicon import build_lexicon, phrase_words, publish_version, site_entries, using
from ..models import TaxonomyTerm, VocabularyVersion
from ..pagecache import bump_catalogue_version

KINDS = ("synonym", "acronym", "concept")
MAX_PHRASE = 60
MAX_ACRONYM = 10
MAX_MEANINGS = 12
MAX_ENTRIES = 2000
PREVIEW_RESULTS = 5


def vocabulary_version_of(language: str) -> VocabularyVersion | None:
    return VocabularyVersion.objects.filter(language=language).order_by("-number").first()


def vocabulary_entries(language: str) -> list[dict]:
    """The language's current entries, sorted by term."""
    latest = vocabulary_version_of(language)
    return sorted(latest.entries if latest else [], key=lambda e: e["term"].casefold())


def _check_operator(by) -> None:
    if not by.has_perm("services.moderate"):
        raise PermissionDenied


def _language(language: str) -> str:
    if language not in VocabularyVersion.Language.values:
        raise ValidationError(_("Lingua del vocabolario sconosciuta."))
    return language


def _clean_phrase(text: str, field: str) -> str:
    phrase = clean_text(text)
    if not phrase:
        raise ValidationError({field: _("Scrivi una parola o una frase.")})
    if len(phrase) > MAX_PHRASE:
        raise ValidationError(
            {
                field: _("«%(phrase)s» è troppo lunga: al massimo %(n)s caratteri.")
                % {"phrase": phrase[:MAX_PHRASE] + "…", "n": MAX_PHRASE}
            }
        )
    if not phrase_words(phrase):
        raise ValidationError(
            {
                field: _(
                    "«%(phrase)s» non ha parole che la ricerca usa (solo articoli o preposizioni)."
                )
                % {"phrase": phrase}
            }
        )
    return phrase


def clean_entry(
    *, language: str, kind: str, term: str, meanings: list[str], taxonomy: str = "", replaces=""
) -> dict:
    """The entry as it will be saved, or a ValidationError saying what to change (on the field
    it concerns): checked alone and against the language's other entries (`replaces`: the term
    of the entry being edited, which the new one takes the place of)."""
    _language(language)
    if kind not in KINDS:
        raise ValidationError({"kind": _("Scegli il tipo di voce.")})
    term = _clean_phrase(term, "term")
    if kind == "acronym" and (len(phrase_words(term)) != 1 or len(term) > MAX_ACRONYM):
        raise ValidationError(
            {
                "term": _("Una sigla è una sola parola di al massimo %(n)s caratteri.")
                % {"n": MAX_ACRONYM}
            }
        )
    cleaned: list[str] = []
    seen = {phrase_words(term): term}
    for text in meanings:
        if not clean_text(text):
            continue  # an empty line between meanings
        phrase = _clean_phrase(text, "meanings")
        key = phrase_words(phrase)
        if key in seen:
            raise ValidationError(
                {
                    "meanings": _("«%(phrase)s» è ripetuta (è già «%(other)s»).")
                    % {"phrase": phrase, "other": seen[key]}
                }
            )
        seen[key] = phrase
        cleaned.append(phrase)
    if not cleaned:
        raise ValidationError({"meanings": _("Scrivi almeno un significato, uno per riga.")})
    if len(cleaned) > MAX_MEANINGS:
        raise ValidationError(
            {"meanings": _("Al massimo %(n)s significati per voce.") % {"n": MAX_MEANINGS}}
        )
    taxonomy = (taxonomy or "").strip()
    if taxonomy and not TaxonomyTerm.objects.filter(code=taxonomy).exists():
        raise ValidationError({"taxonomy": _("Categoria sconosciuta.")})
    entry = {"kind": kind, "term": term, "meanings": cleaned, "taxonomy": taxonomy}
    others = [e for e in vocabulary_entries(language) if e["term"] != replaces]
    _check_against(entry, others)
    if len(others) >= MAX_ENTRIES:
        raise ValidationError(
            _("Il vocabolario ha già %(n)s voci: toglierne qualcuna prima di aggiungerne.")
            % {"n": MAX_ENTRIES}
        )
    return entry


def _check_against(entry: dict, others: list[dict]) -> None:
    """No term twice in a language (nor a synonym's phrase in another synonym), no cycle."""
    key = phrase_words(entry["term"])
    for other in others:
        if phrase_words(other["term"]) == key:
            raise ValidationError(
                {
                    "term": _("«%(term)s» è già una voce del vocabolario: modificala.")
                    % {"term": other["term"]}
                }
            )
    if entry["kind"] == "synonym":
        mine = {phrase_words(p) for p in [entry["term"], *entry["meanings"]]}
        for other in others:
            if other["kind"] != "synonym":
                continue
            for phrase in [other["term"], *other["meanings"]]:
                if phrase_words(phrase) in mine:
                    raise ValidationError(
                        {
                            "meanings": _(
                                "«%(phrase)s» è già tra i sinonimi di «%(term)s»: aggiungi lì."
                            )
                            % {"phrase": phrase, "term": other["term"]}
                        }
                    )
        return
    # One-way meanings: the term must not come back through the others' meanings.
    leads: dict[tuple, list[tuple]] = {}
    for other in [*others, entry]:
        if other["kind"] != "synonym":
            leads[phrase_words(other["term"])] = [phrase_words(m) for m in other["meanings"]]
    path = _path_back(key, leads)
    if path:
        names = " → ".join(" ".join(p) for p in [key, *path])
        raise ValidationError(
            {
                "meanings": _(
                    "«%(term)s» tornerebbe a sé stessa attraverso altre voci (%(path)s): "
                    "togli uno dei passaggi."
                )
                % {"term": entry["term"], "path": names}
            }
        )


def _path_back(start: tuple, leads: dict[tuple, list[tuple]]) -> list[tuple]:
    """The phrases from `start` back to itself through the meanings, or [] (depth first)."""
    stack = [(m, [m]) for m in leads.get(start, [])]
    seen: set[tuple] = set()
    while stack:
        phrase, path = stack.pop()
        if phrase == start:
            return path
        if phrase in seen:
            continue
        seen.add(phrase)
        stack += [(m, [*path, m]) for m in leads.get(phrase, [])]
    return []


def _save(
    language: str, entries: list[dict], change: str, by, restored_from=None
) -> VocabularyVersion:
    latest = vocabulary_version_of(language)
    version = VocabularyVersion.objects.create(
        language=language,
        number=(latest.number if latest else 0) + 1,
        entries=sorted(entries, key=lambda e: e["term"].casefold()),
        change=change[:300],
        restored_from=restored_from,
        created_by=by,
    )
    transaction.on_commit(publish_version)
    return version


@transaction.atomic
def vocabulary_save_entry(*, language: str, by, replaces: str = "", **fields) -> VocabularyVersion:
    """Adds an entry (or, with `replaces`, edits that one): a new version of the language."""
    _check_operator(by)
    # First: the catalogue version's row also queues concurrent changes of the vocabulary.
    bump_catalogue_version()
    entry = clean_entry(language=language, replaces=replaces, **fields)
    if replaces and not any(e["term"] == replaces for e in vocabulary_entries(language)):
        raise ValidationError(_("La voce che stavi modificando non c'è più: ricaricala."))
    entries = [e for e in vocabulary_entries(language) if e["term"] != replaces]
    if replaces:
        change = _("Modificata: %(term)s") % {"term": entry["term"]}
    else:
        change = _("Aggiunta: %(term)s") % {"term": entry["term"]}
    return _save(language, [*entries, entry], change, by)


@transaction.atomic
def vocabulary_remove_entry(*, language: str, term: str, by) -> VocabularyVersion:
    _check_operator(by)
    _language(language)
    bump_catalogue_version()
    entries = vocabulary_entries(language)
    kept = [e for e in entries if e["term"] != term]
    if len(kept) == len(entries):
        raise ValidationError(_("La voce non c'è (già tolta?)."))
    return _save(language, kept, _("Tolta: %(term)s") % {"term": term}, by)


@transaction.atomic
def vocabulary_restore(*, version: VocabularyVersion, by) -> VocabularyVersion:
    """A new version with the entries of an older one (the versions between stay listed)."""
    _check_operator(by)
    bump_catalogue_version()
    change = _("Ripristinata la versione %(n)s") % {"n": version.number}
    return _save(version.language, list(version.entries), change, by, restored_from=version)


def vocabulary_preview(*, language: str, text: str, entry: dict, replaces: str = "") -> dict:
    """What `text` understands and finds on the language's site with the current vocabulary
    ("before") and with `entry` saved in place of `replaces` ("after"). Reads only."""
    from ..search import SearchQuery, plan, search_services

    def sample() -> dict:
        query = SearchQuery(text=text, per_page=PREVIEW_RESULTS)
        planned = plan(query)
        page = search_services(query)
        return {
            "concepts": [" | ".join(" ".join(p) for p in unit) for unit in planned.units],
            "chips": [chip.label for chip in planned.chips],
            "suggestion": planned.suggestion,
            "total": page.total,
            "results": [hit.card for hit in page.hits],
        }

    language = _language(language)
    with translation.override(language):
        before = sample()
        entries = [e for e in vocabulary_entries(language) if e["term"] != replaces]
        changed = build_lexicon(language, site_entries(language, {language: [*entries, entry]}))
        with using(changed):
            after = sample()
    return {"text": text, "before": before, "after": after}
